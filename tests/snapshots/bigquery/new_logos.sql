-- param_1 = DATE '2024-01-01'
-- param_2 = DATE '2025-01-01'
-- param_3 = TIMESTAMP '2024-01-01 00:00:00'
-- param_4 = TIMESTAMP '2026-01-01 00:00:00'
WITH `account_first_win_by_first_won_at` AS 
(SELECT DATE_TRUNC(CAST(CAST(account_first_win.first_won_at AS DATE) AS DATE), YEAR) AS `period`, account.segment AS `account__segment`, count(*) AS `new_logo_accounts` 
FROM (SELECT account_id, MIN(closed_at) AS first_won_at FROM opportunities WHERE is_won AND NOT account_id IS NULL GROUP BY account_id) AS `account_first_win` LEFT OUTER JOIN `accounts` AS `account` ON account_first_win.account_id = account.account_id 
WHERE CAST(account_first_win.first_won_at AS DATETIME) >= :param_3 AND CAST(account_first_win.first_won_at AS DATETIME) < :param_4 GROUP BY 1, 2), 
`keys` AS 
(SELECT `spine`.`period` AS `period`, `dimension_values`.`account__segment` AS `account__segment` 
FROM (SELECT CAST(:param_1 AS DATE) AS `period` UNION ALL SELECT CAST(:param_2 AS DATE) AS `period`) AS `spine` JOIN (SELECT DISTINCT `account_first_win_by_first_won_at`.`account__segment` AS `account__segment` 
FROM `account_first_win_by_first_won_at`) AS `dimension_values` ON true)
 SELECT `keys`.`period` AS `period`, `keys`.`account__segment` AS `account__segment`, COALESCE(new_logo_accounts, 0) AS `new_logos` 
FROM `keys` LEFT OUTER JOIN `account_first_win_by_first_won_at` ON `keys`.`period` IS NOT DISTINCT FROM `account_first_win_by_first_won_at`.`period` AND `keys`.`account__segment` IS NOT DISTINCT FROM `account_first_win_by_first_won_at`.`account__segment` ORDER BY `keys`.`period` ASC NULLS LAST, `keys`.`account__segment` ASC NULLS LAST
