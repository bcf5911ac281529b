-- param_1 = DATE '2025-10-19'
-- param_2 = DATE '2025-10-26'
-- param_3 = DATE '2025-11-02'
-- param_4 = DATE '2025-11-09'
-- param_5 = DATE '2025-10-19'
-- param_6 = DATE '2025-11-16'
WITH keys AS 
(SELECT spine.period AS period 
FROM (SELECT CAST(%(param_1)s AS DATE) AS period UNION ALL SELECT CAST(%(param_2)s AS DATE) AS period UNION ALL SELECT CAST(%(param_3)s AS DATE) AS period UNION ALL SELECT CAST(%(param_4)s AS DATE) AS period) AS spine), 
activity_by_occurred_at AS 
(SELECT CAST(DATEADD(day, -1, DATEADD(day, 1 - DAYOFWEEKISO(CAST(DATEADD(day, 1, CAST(activity.occurred_at AS DATE)) AS DATE)), CAST(CAST(DATEADD(day, 1, CAST(activity.occurred_at AS DATE)) AS DATE) AS DATE))) AS DATE) AS period, count(*) AS activity_count, count(CASE WHEN (activity.activity_type = 'meeting') THEN 1 END) AS meeting_count 
FROM activities AS activity 
WHERE activity.occurred_at >= %(param_5)s AND activity.occurred_at < %(param_6)s GROUP BY 1)
 SELECT keys.period AS period, COALESCE(activity_count, 0) AS activities, COALESCE(meeting_count, 0) AS meetings 
FROM keys LEFT OUTER JOIN activity_by_occurred_at ON keys.period IS NOT DISTINCT FROM activity_by_occurred_at.period ORDER BY keys.period ASC NULLS LAST
