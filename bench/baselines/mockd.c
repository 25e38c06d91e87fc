/* Launcher of librdkafka's in-memory mock cluster (rdkafka_mock.h), the in-memory peer of benchmarks.md C0 (3).
 * Usage: mockd [topic:partitions ...]  — prints the bootstrap list on one line, then waits for SIGTERM/SIGINT.
 * Topics are created up front because the mock answers OffsetCommit/Produce/Fetch for unknown topics with
 * UNKNOWN_TOPIC_OR_PARTITION (only Metadata auto-creates). */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  char errstr[512];
  sigset_t set;
  int sig, i;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, 1);
  if (!mc) { fprintf(stderr, "rd_kafka_mock_cluster_new failed\n"); return 1; }
  for (i = 1; i < argc; i++) {
    char *colon = strrchr(argv[i], ':');
    int parts = colon ? atoi(colon + 1) : 1;
    if (colon) *colon = '\0';
    if (rd_kafka_mock_topic_create(mc, argv[i], parts > 0 ? parts : 1, 1)) { fprintf(stderr, "topic %s failed\n", argv[i]); return 1; }
  }
  sigemptyset(&set); sigaddset(&set, SIGTERM); sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);
  sigwait(&set, &sig);
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
