-- :param_1 = DATE '2025-02-01'
-- :param_2 = DATE '2026-02-01'
-- :param_3 = DATE '2025-02-01'
-- :param_4 = DATE '2025-05-01'
-- :param_5 = DATE '2025-08-01'
-- :param_6 = DATE '2025-11-01'
WITH opportunity_by_closed_at AS /* read opportunity rows for opportunity.closed_at, opportunity.product, won_amount */
/* keep opportunity rows meeting closed_at in the time range */
/* aggregate won_deals, closed_deals, won_amount per fiscal_quarter of opportunity.closed_at, opportunity.product, each measure counting the rows that meet its terms and filters */ 
(SELECT add_months(CAST(CAST(date_trunc('quarter', add_months(CAST(CAST(opportunity.closed_at AS DATE) AS DATE), -1)) AS DATE) AS DATE), 1) AS period, opportunity.product AS opportunity__product, count(*) FILTER (WHERE opportunity.is_won) AS won_deals, count(*) FILTER (WHERE opportunity.is_closed) AS closed_deals, sum(opportunity.amount) FILTER (WHERE opportunity.is_won) AS won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= :param_1 AND opportunity.closed_at < :param_2 GROUP BY 1, 2), 
spine AS /* the 4 fiscal_quarter periods of the time range */ 
(SELECT periods.period AS period 
FROM (VALUES (:param_3), (:param_4), (:param_5), (:param_6)) AS periods (period)), 
combined AS /* combine opportunity_by_closed_at on period, opportunity.product, every period of the spine included */ 
(SELECT keys.period AS period, keys.opportunity__product AS opportunity__product, opportunity_by_closed_at.won_deals AS won_deals, opportunity_by_closed_at.closed_deals AS closed_deals, opportunity_by_closed_at.won_amount AS won_amount 
FROM (SELECT spine.period AS period, dimension_values.opportunity__product AS opportunity__product 
FROM spine JOIN (SELECT DISTINCT opportunity_by_closed_at.opportunity__product AS opportunity__product 
FROM opportunity_by_closed_at) AS dimension_values ON true) AS keys LEFT OUTER JOIN opportunity_by_closed_at ON keys.period IS NOT DISTINCT FROM opportunity_by_closed_at.period AND keys.opportunity__product IS NOT DISTINCT FROM opportunity_by_closed_at.opportunity__product)
 SELECT /* compute win_rate, bookings; order by period, opportunity.product */ combined.period AS period, combined.opportunity__product AS `opportunity.product`, CAST((COALESCE(won_deals, 0)) AS DOUBLE) / NULLIF(COALESCE(closed_deals, 0), 0) AS win_rate, COALESCE(won_amount, 0) AS bookings 
FROM combined ORDER BY combined.period ASC NULLS LAST, combined.opportunity__product ASC NULLS LAST
