WITH opportunity_totals__rows AS /* read opportunity rows (won_amount, won_amount__if) */ 
(SELECT opportunity.account_id AS fk__account, opportunity.amount AS won_amount, opportunity.is_won AS won_amount__if 
FROM opportunities AS opportunity), 
opportunity_totals__account AS /* read account rows (account__segment) */ 
(SELECT account.account_id AS pk, account.segment AS account__segment 
FROM accounts AS account), 
opportunity_totals__joined AS /* join opportunity to account along account (many-to-one, so no opportunity row repeats) */ 
(SELECT opportunity.*, account.account__segment AS account__segment 
FROM opportunity_totals__rows AS opportunity LEFT OUTER JOIN opportunity_totals__account AS account ON opportunity.fk__account = account.pk), 
opportunity_totals__filtered AS /* keep opportunity rows meeting the terms and filters of the measures */ 
(SELECT * 
FROM opportunity_totals__joined 
WHERE won_amount__if), 
opportunity_totals AS /* aggregate won_amount per account.segment */ 
(SELECT account__segment, sum(won_amount) AS won_amount 
FROM opportunity_totals__filtered GROUP BY 1), 
activity_totals__rows AS /* read activity rows */ 
(SELECT activity.account_id AS fk__account 
FROM activities AS activity), 
activity_totals__account AS /* read account rows (account__segment) */ 
(SELECT account.account_id AS pk, account.segment AS account__segment 
FROM accounts AS account), 
activity_totals__joined AS /* join activity to account along account (many-to-one, so no activity row repeats) */ 
(SELECT activity.*, account.account__segment AS account__segment 
FROM activity_totals__rows AS activity LEFT OUTER JOIN activity_totals__account AS account ON activity.fk__account = account.pk), 
activity_totals AS /* aggregate activity_count per account.segment */ 
(SELECT account__segment, count(*) AS activity_count 
FROM activity_totals__joined GROUP BY 1), 
combined AS /* combine opportunity_totals, activity_totals on account__segment */ 
(SELECT keys.account__segment AS account__segment, opportunity_totals.won_amount AS won_amount, activity_totals.activity_count AS activity_count 
FROM (SELECT opportunity_totals.account__segment AS account__segment 
FROM opportunity_totals UNION SELECT activity_totals.account__segment AS account__segment 
FROM activity_totals) AS keys LEFT OUTER JOIN opportunity_totals ON keys.account__segment IS NOT DISTINCT FROM opportunity_totals.account__segment LEFT OUTER JOIN activity_totals ON keys.account__segment IS NOT DISTINCT FROM activity_totals.account__segment)
 SELECT /* compute bookings, activities; order by account.segment */ combined.account__segment AS "account.segment", COALESCE(won_amount, 0) AS bookings, COALESCE(activity_count, 0) AS activities 
FROM combined ORDER BY combined.account__segment ASC NULLS LAST
