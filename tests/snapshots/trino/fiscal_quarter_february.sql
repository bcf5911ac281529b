-- param_1 = DATE '2025-02-01'
-- param_2 = DATE '2025-05-01'
-- param_3 = DATE '2025-08-01'
-- param_4 = DATE '2025-11-01'
-- param_5 = DATE '2025-02-01'
-- param_6 = DATE '2026-02-01'
WITH opportunity_by_closed_at AS 
(SELECT date_add('month', 1, CAST(date_trunc('quarter', date_add('month', -1, CAST(opportunity.closed_at AS DATE))) AS DATE)) AS period, opportunity.product AS opportunity__product, count(*) FILTER (WHERE opportunity.is_won) AS won_deals, count(*) FILTER (WHERE opportunity.is_closed) AS closed_deals, sum(opportunity.amount) FILTER (WHERE opportunity.is_won) AS won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= :param_5 AND opportunity.closed_at < :param_6 GROUP BY 1, 2), 
keys AS 
(SELECT spine.period AS period, dimension_values.opportunity__product AS opportunity__product 
FROM (VALUES (:param_1), (:param_2), (:param_3), (:param_4)) AS spine (period) JOIN (SELECT DISTINCT opportunity_by_closed_at.opportunity__product AS opportunity__product 
FROM opportunity_by_closed_at) AS dimension_values ON true)
 SELECT keys.period AS period, keys.opportunity__product AS "opportunity.product", CAST((COALESCE(won_deals, 0)) AS DOUBLE) / NULLIF(COALESCE(closed_deals, 0), 0) AS win_rate, COALESCE(won_amount, 0) AS bookings 
FROM keys LEFT OUTER JOIN opportunity_by_closed_at ON keys.period IS NOT DISTINCT FROM opportunity_by_closed_at.period AND keys.opportunity__product IS NOT DISTINCT FROM opportunity_by_closed_at.opportunity__product ORDER BY keys.period ASC NULLS LAST, keys.opportunity__product ASC NULLS LAST
