WITH opportunity_totals AS /* read opportunity rows for won_amount */
/* read account rows for account.segment */
/* join opportunity to account along account (many-to-one, so no opportunity row repeats) */
/* keep opportunity rows meeting the terms and filters of the measures */
/* aggregate won_amount per account.segment */ 
(SELECT account.segment AS account__segment, sum(partials.won_amount) AS won_amount 
FROM (SELECT opportunity.account_id AS fk0, sum(opportunity.amount) AS won_amount 
FROM opportunities AS opportunity 
WHERE opportunity.is_won GROUP BY 1) AS partials LEFT OUTER JOIN accounts AS account ON partials.fk0 = account.account_id GROUP BY 1), 
activity_totals AS /* read activity rows */
/* read account rows for account.segment */
/* join activity to account along account (many-to-one, so no activity row repeats) */
/* aggregate activity_count per account.segment */ 
(SELECT account.segment AS account__segment, CAST(sum(partials.activity_count) AS BIGINT) AS activity_count 
FROM (SELECT activity.account_id AS fk0, count(*) AS activity_count 
FROM activities AS activity GROUP BY 1) AS partials LEFT OUTER JOIN accounts AS account ON partials.fk0 = account.account_id GROUP BY 1), 
combined AS /* combine opportunity_totals, activity_totals on account.segment */ 
(SELECT keys.account__segment AS account__segment, opportunity_totals.won_amount AS won_amount, activity_totals.activity_count AS activity_count 
FROM (SELECT opportunity_totals.account__segment AS account__segment 
FROM opportunity_totals UNION SELECT activity_totals.account__segment AS account__segment 
FROM activity_totals) AS keys LEFT OUTER JOIN opportunity_totals ON keys.account__segment IS NOT DISTINCT FROM opportunity_totals.account__segment LEFT OUTER JOIN activity_totals ON keys.account__segment IS NOT DISTINCT FROM activity_totals.account__segment)
 SELECT /* compute bookings, activities; order by account.segment */ combined.account__segment AS "account.segment", COALESCE(won_amount, 0) AS bookings, COALESCE(activity_count, 0) AS activities 
FROM combined ORDER BY combined.account__segment ASC NULLS LAST
