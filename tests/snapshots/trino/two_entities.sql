WITH opportunity_totals AS 
(SELECT account.segment AS account__segment, sum(opportunity.amount) AS won_amount 
FROM opportunities AS opportunity LEFT OUTER JOIN accounts AS account ON opportunity.account_id = account.account_id 
WHERE opportunity.is_won GROUP BY 1), 
activity_totals AS 
(SELECT account.segment AS account__segment, count(*) AS activity_count 
FROM activities AS activity LEFT OUTER JOIN accounts AS account ON activity.account_id = account.account_id GROUP BY 1), 
keys AS 
(SELECT opportunity_totals.account__segment AS account__segment 
FROM opportunity_totals UNION SELECT activity_totals.account__segment AS account__segment 
FROM activity_totals)
 SELECT keys.account__segment AS "account.segment", COALESCE(won_amount, 0) AS bookings, COALESCE(activity_count, 0) AS activities 
FROM keys LEFT OUTER JOIN opportunity_totals ON keys.account__segment IS NOT DISTINCT FROM opportunity_totals.account__segment LEFT OUTER JOIN activity_totals ON keys.account__segment IS NOT DISTINCT FROM activity_totals.account__segment ORDER BY keys.account__segment ASC NULLS LAST
