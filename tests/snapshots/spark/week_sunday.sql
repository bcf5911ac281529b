-- :param_1 = DATE '2025-10-19'
-- :param_2 = DATE '2025-11-16'
-- :param_3 = DATE '2025-10-19'
-- :param_4 = DATE '2025-10-26'
-- :param_5 = DATE '2025-11-02'
-- :param_6 = DATE '2025-11-09'
WITH activity_by_occurred_at AS /* read activity rows for activity.occurred_at */
/* keep activity rows meeting occurred_at in the time range */
/* aggregate activity_count, meeting_count per week of activity.occurred_at, each measure counting the rows that meet its terms and filters */ 
(SELECT date_add(CAST(CAST(date_trunc('week', date_add(CAST(CAST(activity.occurred_at AS DATE) AS DATE), 1)) AS DATE) AS DATE), -1) AS period, count(*) AS activity_count, count(*) FILTER (WHERE (activity.activity_type = 'meeting' AND COALESCE(activity.status, '') <> 'cancelled')) AS meeting_count 
FROM activities AS activity 
WHERE activity.occurred_at >= :param_1 AND activity.occurred_at < :param_2 GROUP BY 1), 
spine AS /* the 4 week periods of the time range */ 
(SELECT periods.period AS period 
FROM (VALUES (:param_3), (:param_4), (:param_5), (:param_6)) AS periods (period)), 
combined AS /* combine activity_by_occurred_at on period, every period of the spine included */ 
(SELECT spine.period AS period, activity_by_occurred_at.activity_count AS activity_count, activity_by_occurred_at.meeting_count AS meeting_count 
FROM spine LEFT OUTER JOIN activity_by_occurred_at ON spine.period IS NOT DISTINCT FROM activity_by_occurred_at.period)
 SELECT /* compute activities, meetings; order by period */ combined.period AS period, COALESCE(activity_count, 0) AS activities, COALESCE(meeting_count, 0) AS meetings 
FROM combined ORDER BY combined.period ASC NULLS LAST
