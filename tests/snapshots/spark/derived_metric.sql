-- :param_1 = DATE '2023-01-01'
-- :param_2 = DATE '2026-01-01'
-- :param_3 = DATE '2023-01-01'
-- :param_4 = DATE '2024-01-01'
-- :param_5 = DATE '2025-01-01'
WITH opportunity_by_closed_at AS /* read opportunity rows for opportunity.closed_at, won_amount, avg_won_amount */
/* keep opportunity rows meeting closed_at in the time range; the terms and filters of the measures */
/* aggregate won_amount, won_deals, avg_won_amount per year of opportunity.closed_at */ 
(SELECT CAST(date_trunc('year', CAST(opportunity.closed_at AS DATE)) AS DATE) AS period, sum(opportunity.amount) AS won_amount, count(*) AS won_deals, avg(opportunity.amount) AS avg_won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= :param_1 AND opportunity.closed_at < :param_2 AND opportunity.is_won GROUP BY 1), 
spine AS /* the 3 year periods of the time range */ 
(SELECT periods.period AS period 
FROM (VALUES (:param_3), (:param_4), (:param_5)) AS periods (period)), 
combined AS /* combine opportunity_by_closed_at on period, every period of the spine included */ 
(SELECT spine.period AS period, opportunity_by_closed_at.won_amount AS won_amount, opportunity_by_closed_at.won_deals AS won_deals, opportunity_by_closed_at.avg_won_amount AS avg_won_amount 
FROM spine LEFT OUTER JOIN opportunity_by_closed_at ON spine.period IS NOT DISTINCT FROM opportunity_by_closed_at.period)
 SELECT /* compute bookings_per_won_deal_check, avg_deal_size; order by period */ combined.period AS period, CAST(((COALESCE(won_amount, 0))) AS DOUBLE) / NULLIF((COALESCE(won_deals, 0)), 0) AS bookings_per_won_deal_check, avg_won_amount AS avg_deal_size 
FROM combined ORDER BY combined.period ASC NULLS LAST
