-- $1 = DATE '2025-01-01'
-- $2 = DATE '2025-06-16'
-- $3 = DATE '2025-01-01'
-- $4 = DATE '2025-06-16'
-- $5 = DATE '2025-01-01'
-- $6 = DATE '2025-01-31'
-- $7 = DATE '2025-01-01'
-- $8 = DATE '2025-02-01'
-- $9 = DATE '2025-02-28'
-- $10 = DATE '2025-01-01'
-- $11 = DATE '2025-03-01'
-- $12 = DATE '2025-03-31'
-- $13 = DATE '2025-01-01'
-- $14 = DATE '2025-04-01'
-- $15 = DATE '2025-04-30'
-- $16 = DATE '2025-04-01'
-- $17 = DATE '2025-05-01'
-- $18 = DATE '2025-05-31'
-- $19 = DATE '2025-04-01'
-- $20 = DATE '2025-06-01'
-- $21 = DATE '2025-06-15'
-- $22 = DATE '2025-04-01'
-- $23 = DATE '2024-11-03'
-- $24 = DATE '2025-06-16'
-- $25 = DATE '2025-01-01'
-- $26 = DATE '2025-01-31'
-- $27 = DATE '2024-11-03'
-- $28 = DATE '2025-02-01'
-- $29 = DATE '2025-02-28'
-- $30 = DATE '2024-12-01'
-- $31 = DATE '2025-03-01'
-- $32 = DATE '2025-03-31'
-- $33 = DATE '2025-01-01'
-- $34 = DATE '2025-04-01'
-- $35 = DATE '2025-04-30'
-- $36 = DATE '2025-01-31'
-- $37 = DATE '2025-05-01'
-- $38 = DATE '2025-05-31'
-- $39 = DATE '2025-03-03'
-- $40 = DATE '2025-06-01'
-- $41 = DATE '2025-06-15'
-- $42 = DATE '2025-03-18'
-- $43 = DATE '2025-01-01'
-- $44 = DATE '2025-02-01'
-- $45 = DATE '2025-03-01'
-- $46 = DATE '2025-04-01'
-- $47 = DATE '2025-05-01'
-- $48 = DATE '2025-06-01'
WITH opportunity_by_closed_at AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting closed_at in the time range; the terms and filters of the measures */
/* aggregate won_amount per month of opportunity.closed_at */ 
(SELECT CAST(date_trunc('month', CAST(opportunity.closed_at AS DATE)) AS DATE) AS period, sum(opportunity.amount) AS won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= $1::DATE AND opportunity.closed_at < $2::DATE AND opportunity.is_won GROUP BY 1), 
opportunity_by_closed_at_daily_quarter_to_date AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting closed_at in the time range moved back to the first day a shown value reads; the terms and filters of the measures */
/* aggregate bookings_qtd__won_amount per day of opportunity.closed_at */ 
(SELECT CAST(CAST(opportunity.closed_at AS DATE) AS DATE) AS period, sum(opportunity.amount) AS bookings_qtd__won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.closed_at >= $3::DATE AND opportunity.closed_at < $4::DATE AND opportunity.is_won GROUP BY 1), 
opportunity_quarter_to_date_by_closed_at AS /* sum bookings_qtd__won_amount over quarter to date, for each month period on its last day */ 
(SELECT reads.period AS period, sum(opportunity_by_closed_at_daily_quarter_to_date.bookings_qtd__won_amount) AS bookings_qtd__won_amount 
FROM (SELECT periods.period AS period, periods.read_on AS read_on, periods.reach_from AS reach_from 
FROM (VALUES ($5::DATE, $6::DATE, $7::DATE), ($8::DATE, $9::DATE, $10::DATE), ($11::DATE, $12::DATE, $13::DATE), ($14::DATE, $15::DATE, $16::DATE), ($17::DATE, $18::DATE, $19::DATE), ($20::DATE, $21::DATE, $22::DATE)) AS periods (period, read_on, reach_from)) AS reads LEFT OUTER JOIN opportunity_by_closed_at_daily_quarter_to_date ON opportunity_by_closed_at_daily_quarter_to_date.period <= reads.read_on AND opportunity_by_closed_at_daily_quarter_to_date.period >= reads.reach_from GROUP BY 1), 
opportunity_by_created_at_daily_90_days AS /* read opportunity rows for opportunity.created_at, created_amount */
/* keep opportunity rows meeting created_at in the time range moved back to the first day a shown value reads */
/* aggregate pipeline_created_90d__created_amount per day of opportunity.created_at */ 
(SELECT CAST(CAST(opportunity.created_at AS DATE) AS DATE) AS period, sum(opportunity.amount) AS pipeline_created_90d__created_amount 
FROM opportunities AS opportunity 
WHERE opportunity.created_at >= $23::DATE AND opportunity.created_at < $24::DATE GROUP BY 1), 
opportunity_90_days_by_created_at AS /* sum pipeline_created_90d__created_amount over the trailing 90 days, for each month period on its last day */ 
(SELECT reads.period AS period, sum(opportunity_by_created_at_daily_90_days.pipeline_created_90d__created_amount) AS pipeline_created_90d__created_amount 
FROM (SELECT periods.period AS period, periods.read_on AS read_on, periods.reach_from AS reach_from 
FROM (VALUES ($25::DATE, $26::DATE, $27::DATE), ($28::DATE, $29::DATE, $30::DATE), ($31::DATE, $32::DATE, $33::DATE), ($34::DATE, $35::DATE, $36::DATE), ($37::DATE, $38::DATE, $39::DATE), ($40::DATE, $41::DATE, $42::DATE)) AS periods (period, read_on, reach_from)) AS reads LEFT OUTER JOIN opportunity_by_created_at_daily_90_days ON opportunity_by_created_at_daily_90_days.period <= reads.read_on AND opportunity_by_created_at_daily_90_days.period >= reads.reach_from GROUP BY 1), 
spine AS /* the 6 month periods of the time range */ 
(SELECT periods.period AS period 
FROM (VALUES ($43::DATE), ($44::DATE), ($45::DATE), ($46::DATE), ($47::DATE), ($48::DATE)) AS periods (period)), 
combined AS /* combine opportunity_by_closed_at, opportunity_quarter_to_date_by_closed_at, opportunity_90_days_by_created_at on period, every period of the spine included */ 
(SELECT spine.period AS period, opportunity_by_closed_at.won_amount AS won_amount, opportunity_quarter_to_date_by_closed_at.bookings_qtd__won_amount AS bookings_qtd__won_amount, opportunity_90_days_by_created_at.pipeline_created_90d__created_amount AS pipeline_created_90d__created_amount 
FROM spine LEFT OUTER JOIN opportunity_by_closed_at ON spine.period IS NOT DISTINCT FROM opportunity_by_closed_at.period LEFT OUTER JOIN opportunity_quarter_to_date_by_closed_at ON spine.period IS NOT DISTINCT FROM opportunity_quarter_to_date_by_closed_at.period LEFT OUTER JOIN opportunity_90_days_by_created_at ON spine.period IS NOT DISTINCT FROM opportunity_90_days_by_created_at.period)
 SELECT /* compute bookings, bookings_qtd, pipeline_created_90d; order by period */ combined.period AS period, COALESCE(won_amount, 0) AS bookings, COALESCE(bookings_qtd__won_amount, 0) AS bookings_qtd, COALESCE(pipeline_created_90d__created_amount, 0) AS pipeline_created_90d 
FROM combined ORDER BY combined.period ASC NULLS LAST
