-- :param_1 = 3
WITH opportunity_totals AS /* read opportunity rows for opportunity.forecast_category, weighted_amount, avg_won_cycle_days */
/* aggregate weighted_amount, avg_won_cycle_days per opportunity.forecast_category, each measure counting the rows that meet its terms and filters */ 
(SELECT CASE opportunity.stage WHEN 'prospecting' THEN 'pipeline' WHEN 'qualification' THEN 'pipeline' WHEN 'discovery' THEN 'pipeline' WHEN 'proposal' THEN 'best_case' WHEN 'negotiation' THEN 'commit' WHEN 'closed_won' THEN 'closed' WHEN 'closed_lost' THEN 'omitted' ELSE NULL END AS opportunity__forecast_category, sum((opportunity.amount * CASE opportunity.stage WHEN 'prospecting' THEN 0.05 WHEN 'qualification' THEN 0.1 WHEN 'discovery' THEN 0.25 WHEN 'proposal' THEN 0.5 WHEN 'negotiation' THEN 0.8 WHEN 'closed_won' THEN 1.0 WHEN 'closed_lost' THEN 0.0 ELSE NULL END)) FILTER (WHERE (NOT opportunity.is_closed)) AS weighted_amount, avg(DATEDIFF(DAY, CAST(opportunity.created_at AS DATE), CAST(opportunity.closed_at AS DATE))) FILTER (WHERE opportunity.is_won) AS avg_won_cycle_days 
FROM opportunities AS opportunity GROUP BY 1)
 SELECT /* compute weighted_pipeline, sales_cycle_days; order by weighted_pipeline desc, first 3 rows */ opportunity_totals.opportunity__forecast_category AS `opportunity.forecast_category`, COALESCE(weighted_amount, 0) AS weighted_pipeline, avg_won_cycle_days AS sales_cycle_days 
FROM opportunity_totals ORDER BY COALESCE(weighted_amount, 0) DESC NULLS LAST
 LIMIT :param_1
