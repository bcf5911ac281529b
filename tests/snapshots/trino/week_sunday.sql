-- param_1 = DATE '2025-10-19'
-- param_2 = DATE '2025-10-26'
-- param_3 = DATE '2025-11-02'
-- param_4 = DATE '2025-11-09'
-- param_5 = DATE '2025-10-19'
-- param_6 = DATE '2025-11-16'
WITH keys AS 
(SELECT spine.period AS period 
FROM (VALUES (:param_1), (:param_2), (:param_3), (:param_4)) AS spine (period)), 
activity_by_occurred_at AS 
(SELECT date_add('day', -1, CAST(date_trunc('week', date_add('day', 1, CAST(activity.occurred_at AS DATE))) AS DATE)) AS period, count(*) AS activity_count, count(*) FILTER (WHERE (activity.activity_type = 'meeting')) AS meeting_count 
FROM activities AS activity 
WHERE activity.occurred_at >= :param_5 AND activity.occurred_at < :param_6 GROUP BY 1)
 SELECT keys.period AS period, COALESCE(activity_count, 0) AS activities, COALESCE(meeting_count, 0) AS meetings 
FROM keys LEFT OUTER JOIN activity_by_occurred_at ON keys.period IS NOT DISTINCT FROM activity_by_occurred_at.period ORDER BY keys.period ASC NULLS LAST
