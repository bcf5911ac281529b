WITH opportunity_by_closed_at_daily_quarter_to_date AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting the terms and filters of the measures */
/* aggregate bookings_qtd__won_amount per day of opportunity.closed_at */ 
(SELECT CAST(CAST(opportunity.closed_at AS DATE) AS DATE) AS period, sum(opportunity.amount) AS bookings_qtd__won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.is_won GROUP BY 1), 
opportunity_quarter_to_date_by_closed_at AS /* sum bookings_qtd__won_amount over quarter to date, for one value on the last day */ 
(SELECT sum(opportunity_by_closed_at_daily_quarter_to_date.bookings_qtd__won_amount) AS bookings_qtd__won_amount 
FROM opportunity_by_closed_at_daily_quarter_to_date 
WHERE opportunity_by_closed_at_daily_quarter_to_date.period <= (SELECT max(opportunity_by_closed_at_daily_quarter_to_date.period) AS max_1 
FROM opportunity_by_closed_at_daily_quarter_to_date) AND opportunity_by_closed_at_daily_quarter_to_date.period >= CAST(date_trunc('quarter', CAST((SELECT max(opportunity_by_closed_at_daily_quarter_to_date.period) AS max_1 
FROM opportunity_by_closed_at_daily_quarter_to_date) AS DATE)) AS DATE)), 
opportunity_by_closed_at_daily_fiscal_year_to_date AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* keep opportunity rows meeting the terms and filters of the measures */
/* aggregate bookings_fytd__won_amount per day of opportunity.closed_at */ 
(SELECT CAST(CAST(opportunity.closed_at AS DATE) AS DATE) AS period, sum(opportunity.amount) AS bookings_fytd__won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.is_won GROUP BY 1), 
opportunity_fiscal_year_to_date_by_closed_at AS /* sum bookings_fytd__won_amount over fiscal year to date, for one value on the last day */ 
(SELECT sum(opportunity_by_closed_at_daily_fiscal_year_to_date.bookings_fytd__won_amount) AS bookings_fytd__won_amount 
FROM opportunity_by_closed_at_daily_fiscal_year_to_date 
WHERE opportunity_by_closed_at_daily_fiscal_year_to_date.period <= (SELECT max(opportunity_by_closed_at_daily_fiscal_year_to_date.period) AS max_2 
FROM opportunity_by_closed_at_daily_fiscal_year_to_date) AND opportunity_by_closed_at_daily_fiscal_year_to_date.period >= CAST(date_trunc('year', CAST((SELECT max(opportunity_by_closed_at_daily_fiscal_year_to_date.period) AS max_2 
FROM opportunity_by_closed_at_daily_fiscal_year_to_date) AS DATE)) AS DATE)), 
opportunity_by_created_at_daily_90_days AS /* read opportunity rows for opportunity.created_at, created_amount */
/* aggregate pipeline_created_90d__created_amount per day of opportunity.created_at */ 
(SELECT CAST(CAST(opportunity.created_at AS DATE) AS DATE) AS period, sum(opportunity.amount) AS pipeline_created_90d__created_amount 
FROM opportunities AS opportunity GROUP BY 1), 
opportunity_90_days_by_created_at AS /* sum pipeline_created_90d__created_amount over the trailing 90 days, for one value on the last day */ 
(SELECT sum(opportunity_by_created_at_daily_90_days.pipeline_created_90d__created_amount) AS pipeline_created_90d__created_amount 
FROM opportunity_by_created_at_daily_90_days 
WHERE opportunity_by_created_at_daily_90_days.period <= (SELECT max(opportunity_by_created_at_daily_90_days.period) AS max_3 
FROM opportunity_by_created_at_daily_90_days) AND opportunity_by_created_at_daily_90_days.period >= date_add(CAST((SELECT max(opportunity_by_created_at_daily_90_days.period) AS max_3 
FROM opportunity_by_created_at_daily_90_days) AS DATE), -89)), 
combined AS /* combine the totals of opportunity_quarter_to_date_by_closed_at, opportunity_fiscal_year_to_date_by_closed_at, opportunity_90_days_by_created_at */ 
(SELECT opportunity_quarter_to_date_by_closed_at.bookings_qtd__won_amount AS bookings_qtd__won_amount, opportunity_fiscal_year_to_date_by_closed_at.bookings_fytd__won_amount AS bookings_fytd__won_amount, opportunity_90_days_by_created_at.pipeline_created_90d__created_amount AS pipeline_created_90d__created_amount 
FROM opportunity_quarter_to_date_by_closed_at JOIN opportunity_fiscal_year_to_date_by_closed_at ON true JOIN opportunity_90_days_by_created_at ON true)
 SELECT /* compute bookings_qtd, bookings_fytd, pipeline_created_90d */ COALESCE(bookings_qtd__won_amount, 0) AS bookings_qtd, COALESCE(bookings_fytd__won_amount, 0) AS bookings_fytd, COALESCE(pipeline_created_90d__created_amount, 0) AS pipeline_created_90d 
FROM combined
