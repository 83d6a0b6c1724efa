#include "services/base/Logging.h"

Q_LOGGING_CATEGORY(lcConfig, "clusterwatch.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "clusterwatch.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRedis, "clusterwatch.redis", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPostgres, "clusterwatch.postgres", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApp, "clusterwatch.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDocker, "clusterwatch.docker", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAlerts, "clusterwatch.alerts", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHistory, "clusterwatch.history", QtInfoMsg)
Q_LOGGING_CATEGORY(lcNotify, "clusterwatch.notify", QtInfoMsg)
