-- param_1 = DATE '2023-01-01'
-- param_2 = DATE '2026-01-01'
-- param_3 = DATE '2023-01-01'
-- param_4 = DATE '2024-01-01'
-- param_5 = DATE '2025-01-01'
WITH opportunity_by_closed_at__rows AS /* read opportunity rows (event_time, won_amount, won_amount__if, avg_won_amount) */ 
(SELECT opportunity.closed_at AS event_time, opportunity.amount AS won_amount, opportunity.is_won AS won_amount__if, opportunity.amount AS avg_won_amount 
FROM opportunities AS opportunity), 
opportunity_by_closed_at__filtered AS /* keep opportunity rows meeting closed_at in the time range; the terms and filters of the measures */ 
(SELECT * 
FROM opportunity_by_closed_at__rows 
WHERE event_time >= %(param_1)s AND event_time < %(param_2)s AND won_amount__if), 
opportunity_by_closed_at AS /* aggregate won_amount, won_deals, avg_won_amount per year of closed_at */ 
(SELECT CAST(date_trunc('year', CAST(event_time AS DATE)) AS DATE) AS period, sum(won_amount) AS won_amount, count(*) AS won_deals, avg(avg_won_amount) AS avg_won_amount 
FROM opportunity_by_closed_at__filtered GROUP BY 1), 
spine AS /* the 3 year periods of the time range */ 
(SELECT periods.period AS period 
FROM (VALUES (%(param_3)s), (%(param_4)s), (%(param_5)s)) AS periods (period)), 
combined AS /* combine opportunity_by_closed_at on period, every period of the spine included */ 
(SELECT spine.period AS period, opportunity_by_closed_at.won_amount AS won_amount, opportunity_by_closed_at.won_deals AS won_deals, opportunity_by_closed_at.avg_won_amount AS avg_won_amount 
FROM spine LEFT OUTER JOIN opportunity_by_closed_at ON spine.period IS NOT DISTINCT FROM opportunity_by_closed_at.period)
 SELECT /* compute bookings_per_won_deal_check, avg_deal_size; order by period */ combined.period AS period, CAST(((COALESCE(won_amount, 0))) AS DOUBLE) / NULLIF((COALESCE(won_deals, 0)), 0) AS bookings_per_won_deal_check, avg_won_amount AS avg_deal_size 
FROM combined ORDER BY combined.period ASC NULLS LAST
