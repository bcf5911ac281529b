-- $1 = DATE '2025-10-01'
-- $2 = DATE '2026-01-01'
-- $3 = DATE '2025-11-02'
-- $4 = DATE '2025-11-16'
-- $5 = DATE '2025-10-01'
-- $6 = DATE '2026-01-01'
WITH opportunity_by_close_date AS /* read opportunity rows for opportunity.close_date, open_amount */
/* read rep rows for rep.team */
/* join opportunity to rep along owner (many-to-one, so no opportunity row repeats) */
/* keep opportunity rows meeting close_date in the time range; the terms and filters of the measures */
/* aggregate open_amount per rep.team */ 
(SELECT rep.team AS rep__team, sum(partials.open_amount) AS open_amount 
FROM (SELECT opportunity.owner_rep_id AS fk0, sum(opportunity.amount) AS open_amount 
FROM opportunities AS opportunity 
WHERE opportunity.close_date >= $1 AND opportunity.close_date < $2 AND (NOT opportunity.is_closed) GROUP BY 1) AS partials LEFT OUTER JOIN reps AS rep ON partials.fk0 = rep.rep_id GROUP BY 1), 
activity_by_occurred_at_from_20251102_to_20251115 AS /* read activity rows for activity.occurred_at */
/* read rep rows for rep.team */
/* join activity to rep along rep (many-to-one, so no activity row repeats) */
/* keep activity rows meeting occurred_at in the range given to its metric */
/* aggregate activities__activity_count per rep.team */ 
(SELECT rep.team AS rep__team, CAST(sum(partials.activities__activity_count) AS BIGINT) AS activities__activity_count 
FROM (SELECT activity.rep_id AS fk0, count(*) AS activities__activity_count 
FROM activities AS activity 
WHERE activity.occurred_at >= $3 AND activity.occurred_at < $4 GROUP BY 1) AS partials LEFT OUTER JOIN reps AS rep ON partials.fk0 = rep.rep_id GROUP BY 1), 
opportunity_by_closed_at AS /* read opportunity rows for opportunity.closed_at */
/* read rep rows for rep.team */
/* join opportunity to rep along owner (many-to-one, so no opportunity row repeats) */
/* keep opportunity rows meeting closed_at in the time range */
/* aggregate won_deals, closed_deals per rep.team, each measure counting the rows that meet its terms and filters */ 
(SELECT rep.team AS rep__team, CAST(sum(partials.won_deals) AS BIGINT) AS won_deals, CAST(sum(partials.closed_deals) AS BIGINT) AS closed_deals 
FROM (SELECT opportunity.owner_rep_id AS fk0, count(*) FILTER (WHERE opportunity.is_won) AS won_deals, count(*) FILTER (WHERE opportunity.is_closed) AS closed_deals 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= $5 AND opportunity.closed_at < $6 GROUP BY 1) AS partials LEFT OUTER JOIN reps AS rep ON partials.fk0 = rep.rep_id GROUP BY 1), 
combined AS /* combine opportunity_by_close_date, activity_by_occurred_at_from_20251102_to_20251115, opportunity_by_closed_at on rep.team */ 
(SELECT keys.rep__team AS rep__team, opportunity_by_close_date.open_amount AS open_amount, activity_by_occurred_at_from_20251102_to_20251115.activities__activity_count AS activities__activity_count, opportunity_by_closed_at.won_deals AS won_deals, opportunity_by_closed_at.closed_deals AS closed_deals 
FROM (SELECT opportunity_by_close_date.rep__team AS rep__team 
FROM opportunity_by_close_date UNION SELECT activity_by_occurred_at_from_20251102_to_20251115.rep__team AS rep__team 
FROM activity_by_occurred_at_from_20251102_to_20251115 UNION SELECT opportunity_by_closed_at.rep__team AS rep__team 
FROM opportunity_by_closed_at) AS keys LEFT OUTER JOIN opportunity_by_close_date ON keys.rep__team IS NOT DISTINCT FROM opportunity_by_close_date.rep__team LEFT OUTER JOIN activity_by_occurred_at_from_20251102_to_20251115 ON keys.rep__team IS NOT DISTINCT FROM activity_by_occurred_at_from_20251102_to_20251115.rep__team LEFT OUTER JOIN opportunity_by_closed_at ON keys.rep__team IS NOT DISTINCT FROM opportunity_by_closed_at.rep__team)
 SELECT /* compute open_pipeline, activities, win_rate; order by rep.team */ combined.rep__team AS "rep.team", COALESCE(open_amount, 0) AS open_pipeline, COALESCE(activities__activity_count, 0) AS activities, CAST((COALESCE(won_deals, 0)) AS DOUBLE) / NULLIF(COALESCE(closed_deals, 0), 0) AS win_rate 
FROM combined ORDER BY combined.rep__team ASC NULLS LAST
