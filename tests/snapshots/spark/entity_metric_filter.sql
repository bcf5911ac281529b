-- :param_1 = DATE '2025-11-02'
-- :param_2 = DATE '2025-11-16'
-- :param_3 = 0
-- :param_4 = 100000
WITH activity_by_occurred_at_per_opportunity AS /* read activity rows for activity.occurred_at, opportunity.opportunity_id */
/* keep activity rows meeting occurred_at in the time range */
/* aggregate activity_count per opportunity.opportunity_id */ 
(SELECT activity.opportunity_id AS opportunity__opportunity_id, count(*) AS activity_count 
FROM activities AS activity 
WHERE activity.occurred_at >= :param_1 AND activity.occurred_at < :param_2 GROUP BY 1), 
activities_per_opportunity AS /* activities per opportunity row, for the rows with any */ 
(SELECT activity_by_occurred_at_per_opportunity.opportunity__opportunity_id AS entity_key, COALESCE(activity_count, 0) AS metric_value 
FROM activity_by_occurred_at_per_opportunity 
WHERE activity_by_occurred_at_per_opportunity.opportunity__opportunity_id IS NOT NULL), 
opportunity_totals AS /* read opportunity rows for opportunity.opportunity_id, opportunity.amount, open_amount */
/* read account rows for account.segment */
/* join opportunity to account along account (many-to-one, so no opportunity row repeats) */
/* keep opportunity rows meeting the terms and filters of the measures; the filters on activities per opportunity, opportunity.amount */
/* aggregate open_amount, open_opportunities per account.segment */ 
(SELECT account.segment AS account__segment, sum(opportunity.amount) AS open_amount, count(*) AS open_opportunities 
FROM opportunities AS opportunity LEFT OUTER JOIN accounts AS account ON opportunity.account_id = account.account_id LEFT OUTER JOIN activities_per_opportunity ON activities_per_opportunity.entity_key = opportunity.opportunity_id 
WHERE (opportunity.opportunity_id IS NOT NULL AND CASE WHEN (activities_per_opportunity.entity_key IS NULL) THEN COALESCE(NULL, 0) ELSE activities_per_opportunity.metric_value END = :param_3 OR opportunity.amount > :param_4) AND (NOT opportunity.is_closed) GROUP BY 1)
 SELECT /* compute open_pipeline, open_deals; order by account.segment */ opportunity_totals.account__segment AS `account.segment`, COALESCE(open_amount, 0) AS open_pipeline, COALESCE(open_opportunities, 0) AS open_deals 
FROM opportunity_totals ORDER BY opportunity_totals.account__segment ASC NULLS LAST
