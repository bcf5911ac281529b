WITH opportunity_by_closed_at_daily_fiscal_year_to_date AS /* read opportunity rows for opportunity.closed_at, won_amount */
/* read account rows for account.segment */
/* join opportunity to account along account (many-to-one, so no opportunity row repeats) */
/* keep opportunity rows meeting the terms and filters of the measures */
/* aggregate bookings_fytd__won_amount per day of opportunity.closed_at, account.segment */ 
(SELECT CAST(CAST(opportunity.closed_at AS DATE) AS DATE) AS period, account.segment AS account__segment, sum(opportunity.amount) AS bookings_fytd__won_amount 
FROM opportunities AS opportunity LEFT OUTER JOIN accounts AS account ON opportunity.account_id = account.account_id 
WHERE opportunity.is_won GROUP BY 1, 2), 
opportunity_fiscal_year_to_date_by_closed_at AS /* sum bookings_fytd__won_amount over fiscal year to date, for each fiscal_quarter period on its last day */ 
(SELECT periods.period AS period, opportunity_by_closed_at_daily_fiscal_year_to_date.account__segment AS account__segment, sum(opportunity_by_closed_at_daily_fiscal_year_to_date.bookings_fytd__won_amount) AS bookings_fytd__won_amount 
FROM (SELECT DISTINCT CAST(DATEADD(month, 1, CAST(DATE_TRUNC('quarter', CAST(DATEADD(month, -1, CAST(opportunity_by_closed_at_daily_fiscal_year_to_date.period AS DATE)) AS DATE)) AS DATE)) AS DATE) AS period 
FROM opportunity_by_closed_at_daily_fiscal_year_to_date 
WHERE opportunity_by_closed_at_daily_fiscal_year_to_date.period IS NOT NULL) AS periods JOIN opportunity_by_closed_at_daily_fiscal_year_to_date ON opportunity_by_closed_at_daily_fiscal_year_to_date.period <= CAST(DATEADD(day, -1, CAST(DATEADD(month, 3, periods.period) AS DATE)) AS DATE) AND opportunity_by_closed_at_daily_fiscal_year_to_date.period >= CAST(DATEADD(month, 1, CAST(DATE_TRUNC('year', CAST(DATEADD(month, -1, CAST(CAST(DATEADD(day, -1, CAST(DATEADD(month, 3, periods.period) AS DATE)) AS DATE) AS DATE)) AS DATE)) AS DATE)) AS DATE) GROUP BY 1, 2)
 SELECT /* compute bookings_fytd; order by period, account.segment */ opportunity_fiscal_year_to_date_by_closed_at.period AS period, opportunity_fiscal_year_to_date_by_closed_at.account__segment AS "account.segment", COALESCE(bookings_fytd__won_amount, 0) AS bookings_fytd 
FROM opportunity_fiscal_year_to_date_by_closed_at ORDER BY opportunity_fiscal_year_to_date_by_closed_at.period ASC NULLS LAST, opportunity_fiscal_year_to_date_by_closed_at.account__segment ASC NULLS LAST
