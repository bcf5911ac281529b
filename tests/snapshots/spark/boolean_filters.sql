-- :param_1 = 'SMB'
-- :account_industry_1 = 'soft'
-- :param_2 = 'NA'
-- :param_3 = 'SMB'
-- :account_industry_2 = 'soft'
-- :param_4 = 'NA'
WITH opportunity_totals AS /* read opportunity rows for won_amount */
/* read account rows for account.segment, account.industry, account.region */
/* join opportunity to account along account (many-to-one, so no opportunity row repeats) */
/* keep opportunity rows meeting the terms and filters of the measures; the filters on account.segment, account.industry, account.region */
/* aggregate won_amount per account.segment */ 
(SELECT account.segment AS account__segment, sum(opportunity.amount) AS won_amount 
FROM opportunities AS opportunity LEFT OUTER JOIN accounts AS account ON opportunity.account_id = account.account_id 
WHERE (account.segment = :param_1 OR (lower(account.industry) LIKE '%' || lower(:account_industry_1) || '%' ESCAPE '/') AND NOT coalesce(account.region IN (:param_2), false)) AND opportunity.is_won GROUP BY 1), 
activity_totals AS /* read activity rows */
/* read account rows for account.segment, account.industry, account.region */
/* join activity to account along account (many-to-one, so no activity row repeats) */
/* keep activity rows meeting the filters on account.segment, account.industry, account.region */
/* aggregate activity_count per account.segment */ 
(SELECT account.segment AS account__segment, count(*) AS activity_count 
FROM activities AS activity LEFT OUTER JOIN accounts AS account ON activity.account_id = account.account_id 
WHERE account.segment = :param_3 OR (lower(account.industry) LIKE '%' || lower(:account_industry_2) || '%' ESCAPE '/') AND NOT coalesce(account.region IN (:param_4), false) GROUP BY 1), 
combined AS /* combine opportunity_totals, activity_totals on account.segment */ 
(SELECT keys.account__segment AS account__segment, opportunity_totals.won_amount AS won_amount, activity_totals.activity_count AS activity_count 
FROM (SELECT opportunity_totals.account__segment AS account__segment 
FROM opportunity_totals UNION SELECT activity_totals.account__segment AS account__segment 
FROM activity_totals) AS keys LEFT OUTER JOIN opportunity_totals ON keys.account__segment IS NOT DISTINCT FROM opportunity_totals.account__segment LEFT OUTER JOIN activity_totals ON keys.account__segment IS NOT DISTINCT FROM activity_totals.account__segment)
 SELECT /* compute bookings, activities; order by account.segment */ combined.account__segment AS `account.segment`, COALESCE(won_amount, 0) AS bookings, COALESCE(activity_count, 0) AS activities 
FROM combined ORDER BY combined.account__segment ASC NULLS LAST
