-- param_1 = DATE '2025-10-19'
-- param_2 = DATE '2025-10-26'
-- param_3 = DATE '2025-11-02'
-- param_4 = DATE '2025-11-09'
-- param_5 = TIMESTAMP '2025-10-19 00:00:00'
-- param_6 = TIMESTAMP '2025-11-16 00:00:00'
WITH `keys` AS 
(SELECT `spine`.`period` AS `period` 
FROM (SELECT CAST(:param_1 AS DATE) AS `period` UNION ALL SELECT CAST(:param_2 AS DATE) AS `period` UNION ALL SELECT CAST(:param_3 AS DATE) AS `period` UNION ALL SELECT CAST(:param_4 AS DATE) AS `period`) AS `spine`), 
`activity_by_occurred_at` AS 
(SELECT DATE_ADD(DATE_TRUNC(CAST(DATE_ADD(CAST(activity.occurred_at AS DATE), INTERVAL 1 DAY) AS DATE), WEEK(MONDAY)), INTERVAL -1 DAY) AS `period`, count(*) AS `activity_count`, count(CASE WHEN (activity.activity_type = 'meeting') THEN 1 END) AS `meeting_count` 
FROM `activities` AS `activity` 
WHERE CAST(activity.occurred_at AS DATETIME) >= :param_5 AND CAST(activity.occurred_at AS DATETIME) < :param_6 GROUP BY 1)
 SELECT `keys`.`period` AS `period`, COALESCE(activity_count, 0) AS `activities`, COALESCE(meeting_count, 0) AS `meetings` 
FROM `keys` LEFT OUTER JOIN `activity_by_occurred_at` ON `keys`.`period` IS NOT DISTINCT FROM `activity_by_occurred_at`.`period` ORDER BY `keys`.`period` ASC NULLS LAST
