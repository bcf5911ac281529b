-- :param_1 = DATE '2024-01-01'
-- :param_2 = DATE '2026-01-01'
-- :param_3 = DATE '2024-01-01'
-- :param_4 = DATE '2025-01-01'
WITH account_first_win_by_first_won_at AS /* read account_first_win rows for account_first_win.first_won_at */
/* read account rows for account.segment */
/* join account_first_win to account along account (many-to-one, so no account_first_win row repeats) */
/* keep account_first_win rows meeting first_won_at in the time range */
/* aggregate new_logo_accounts per year of account_first_win.first_won_at, account.segment */ 
(SELECT CAST(date_trunc('year', CAST(account_first_win.first_won_at AS DATE)) AS DATE) AS period, account.segment AS account__segment, count(*) AS new_logo_accounts 
FROM (SELECT account_id, MIN(closed_at) AS first_won_at FROM opportunities WHERE is_won AND NOT account_id IS NULL GROUP BY account_id) AS account_first_win LEFT OUTER JOIN accounts AS account ON account_first_win.account_id = account.account_id 
WHERE account_first_win.first_won_at >= :param_1 AND account_first_win.first_won_at < :param_2 GROUP BY 1, 2), 
spine AS /* the 2 year periods of the time range */ 
(SELECT periods.period AS period 
FROM (VALUES (:param_3), (:param_4)) AS periods (period)), 
combined AS /* combine account_first_win_by_first_won_at on period, account.segment, every period of the spine included */ 
(SELECT keys.period AS period, keys.account__segment AS account__segment, account_first_win_by_first_won_at.new_logo_accounts AS new_logo_accounts 
FROM (SELECT spine.period AS period, dimension_values.account__segment AS account__segment 
FROM spine JOIN (SELECT DISTINCT account_first_win_by_first_won_at.account__segment AS account__segment 
FROM account_first_win_by_first_won_at) AS dimension_values ON true) AS keys LEFT OUTER JOIN account_first_win_by_first_won_at ON keys.period IS NOT DISTINCT FROM account_first_win_by_first_won_at.period AND keys.account__segment IS NOT DISTINCT FROM account_first_win_by_first_won_at.account__segment)
 SELECT /* compute new_logos; order by period, account.segment */ combined.period AS period, combined.account__segment AS `account.segment`, COALESCE(new_logo_accounts, 0) AS new_logos 
FROM combined ORDER BY combined.period ASC NULLS LAST, combined.account__segment ASC NULLS LAST
