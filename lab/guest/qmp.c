/*
 * qmp - a tiny QMP client for the lab's L1 (static, no libraries).
 *
 *   qmp [-w SECONDS] SOCKET COMMAND [ARGUMENTS-JSON]
 *
 * Connects to the QMP unix socket SOCKET (retrying for up to SECONDS when
 * -w is given, while QEMU starts), negotiates capabilities, runs COMMAND
 * with the optional arguments object and prints the reply's "return" or
 * "error" line.  Events are skipped.
 *
 * Exit status: 0 for a "return", 1 for an "error", 2 when QEMU cannot be
 * reached, closes the connection first or does not answer within
 * REPLY_SECONDS (a QEMU wedged in a dead kernel must not hang the job).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REPLY_SECONDS 20

static char buf[1 << 20];
static size_t used;

/* Read one line (without its "\r\n") into line; 0 on EOF or error. */
static int read_line(int fd, char *line, size_t size)
{
    for (;;) {
        char *nl = memchr(buf, '\n', used);
        if (nl) {
            size_t n = nl - buf;
            size_t keep = n < size - 1 ? n : size - 1;
            memcpy(line, buf, keep);
            line[keep] = '\0';
            if (keep && line[keep - 1] == '\r') {
                line[keep - 1] = '\0';
            }
            memmove(buf, nl + 1, used - n - 1);
            used -= n + 1;
            return 1;
        }
        if (used == sizeof(buf)) {
            used = 0;               /* an absurdly long line: drop it */
        }
        ssize_t r = read(fd, buf + used, sizeof(buf) - used);
        if (r <= 0) {
            return 0;
        }
        used += r;
    }
}

/* Send CMD and wait for its reply; prints it when show; returns 0/1/2. */
static int call(int fd, const char *cmd, int show)
{
    static char line[1 << 20];
    size_t len = strlen(cmd);

    if (write(fd, cmd, len) != (ssize_t)len) {
        return 2;
    }
    while (read_line(fd, line, sizeof(line))) {
        if (!strncmp(line, "{\"return\"", 9)) {
            if (show) {
                puts(line);
            }
            return 0;
        }
        if (!strncmp(line, "{\"error\"", 8)) {
            puts(line);
            return 1;
        }
        /* events ({"timestamp"...,"event"...}) are skipped */
    }
    return 2;
}

static void on_alarm(int sig)
{
    static const char msg[] = "qmp: no reply\n";

    (void)sig;
    (void)!write(2, msg, sizeof(msg) - 1);
    _exit(2);
}

static int connect_to(const char *path, double wait)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct timespec start, now, pause = { 0, 50 * 1000 * 1000 };

    strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0) {
            return -1;
        }
        if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
            return fd;
        }
        close(fd);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec +
            (now.tv_nsec - start.tv_nsec) / 1e9 >= wait) {
            return -1;
        }
        nanosleep(&pause, NULL);
    }
}

int main(int argc, char **argv)
{
    static char greeting[1 << 16], cmd[1 << 16];
    double wait = 0;
    int fd;

    if (argc > 2 && !strcmp(argv[1], "-w")) {
        wait = atof(argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: qmp [-w SECONDS] SOCKET COMMAND [ARGS-JSON]\n");
        return 2;
    }
    fd = connect_to(argv[1], wait);
    /* the connection is up (or not): QEMU now has REPLY_SECONDS */
    signal(SIGALRM, on_alarm);
    alarm(REPLY_SECONDS);
    if (fd < 0) {
        fprintf(stderr, "qmp: cannot connect to %s: %s\n", argv[1],
                strerror(errno));
        return 2;
    }
    if (!read_line(fd, greeting, sizeof(greeting)) ||
        call(fd, "{\"execute\":\"qmp_capabilities\"}\n", 0)) {
        fprintf(stderr, "qmp: no QMP greeting on %s\n", argv[1]);
        return 2;
    }
    if (argc == 4) {
        snprintf(cmd, sizeof(cmd),
                 "{\"execute\":\"%s\",\"arguments\":%s}\n", argv[2], argv[3]);
    } else {
        snprintf(cmd, sizeof(cmd), "{\"execute\":\"%s\"}\n", argv[2]);
    }
    return call(fd, cmd, 1);
}
