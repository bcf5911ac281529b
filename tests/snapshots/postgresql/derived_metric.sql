-- param_1 = DATE '2023-01-01'
-- param_2 = DATE '2024-01-01'
-- param_3 = DATE '2025-01-01'
-- param_4 = DATE '2023-01-01'
-- param_5 = DATE '2026-01-01'
WITH keys AS 
(SELECT spine.period AS period 
FROM (VALUES (%(param_1)s::DATE), (%(param_2)s::DATE), (%(param_3)s::DATE)) AS spine (period)), 
opportunity_by_closed_at AS 
(SELECT CAST(date_trunc('year', CAST(opportunity.closed_at AS DATE)) AS DATE) AS period, sum(opportunity.amount) AS won_amount, count(*) AS won_deals, avg(opportunity.amount) AS avg_won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= %(param_4)s::DATE AND opportunity.closed_at < %(param_5)s::DATE AND opportunity.is_won GROUP BY 1)
 SELECT keys.period AS period, CAST(((COALESCE(won_amount, 0))) AS DOUBLE PRECISION) / NULLIF((COALESCE(won_deals, 0)), 0) AS bookings_per_won_deal_check, avg_won_amount AS avg_deal_size 
FROM keys LEFT OUTER JOIN opportunity_by_closed_at ON keys.period IS NOT DISTINCT FROM opportunity_by_closed_at.period ORDER BY keys.period ASC NULLS LAST
