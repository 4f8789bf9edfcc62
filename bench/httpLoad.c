/*
 * The serving bench's load generator in C (bench/httpLoad.ts spawns it when a C compiler is
 * present): `connections` keep-alive HTTP/1.1 connections on loopback, each sending the same
 * prebuilt request again as soon as the previous response has been read in full (one request in
 * flight per connection, no pipelining), in one thread with epoll. Responses are delimited by their
 * Content-Length; only the status line's code is looked at. This is what Triton's perf_analyzer
 * (C++) does for its HTTP client, and it costs a fraction of a Node.js generator's CPU a request
 * on a machine where the generator shares the cores with the server.
 *
 * usage: load HOST PORT REQUEST_FILE CONNECTIONS SECONDS
 * prints one JSON line: ok, non2xx, errors, seconds, p50_ms, p99_ms, cpu_s (this process).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUF 65536

typedef struct {
  int fd;
  size_t sent;     /* bytes of the request written so far */
  size_t have;     /* bytes of the response buffered */
  long need;       /* whole response length once the head is parsed, else -1 */
  int ok_status;   /* whether the response being read has a 2xx status */
  double sent_at;  /* when the request's first byte was written */
  int in_flight;
  int open;
  char buf[BUF];
} Conn;

static char *request;
static size_t request_len;
static double *lat;
static size_t lat_n, lat_cap;
static long ok, non2xx, errors;
static int stopping, epfd, open_count;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double cpu_s(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static void close_conn(Conn *c) {
  if (!c->open) return;
  if (c->in_flight) errors++;
  c->in_flight = 0;
  c->open = 0;
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  open_count--;
}

static void watch(Conn *c, unsigned events) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Writes what is left of the request; waits for EPOLLOUT when the socket is full. */
static void pump(Conn *c) {
  while (c->sent < request_len) {
    ssize_t n = write(c->fd, request + c->sent, request_len - c->sent);
    if (n < 0) {
      if (errno == EAGAIN) {
        watch(c, EPOLLIN | EPOLLOUT);
        return;
      }
      close_conn(c);
      return;
    }
    c->sent += (size_t)n;
  }
  watch(c, EPOLLIN);
}

static void send_request(Conn *c) {
  c->sent = 0;
  c->in_flight = 1;
  c->sent_at = now_ms();
  pump(c);
}

/* Reads what arrived; returns after each complete response has been counted and the next sent. */
static void drain(Conn *c) {
  for (;;) {
    ssize_t n = read(c->fd, c->buf + c->have, BUF - c->have);
    if (n == 0) {
      close_conn(c);
      return;
    }
    if (n < 0) {
      if (errno != EAGAIN) close_conn(c);
      return;
    }
    c->have += (size_t)n;
    for (;;) {
      if (c->need < 0) {
        char *end = memmem(c->buf, c->have, "\r\n\r\n", 4);
        if (!end) {
          if (c->have < BUF) break;
          close_conn(c); /* a head larger than the buffer */
          return;
        }
        long length = -1;
        for (char *p = c->buf; p < end; p++) {
          if (p[0] == '\n' && (size_t)(end - p) > 15 && strncasecmp(p + 1, "content-length:", 15) == 0) {
            length = strtol(p + 16, NULL, 10);
            break;
          }
        }
        if (length < 0 || length > BUF - (end + 4 - c->buf)) {
          close_conn(c);
          return;
        }
        c->ok_status = c->have >= 12 && c->buf[9] == '2';
        c->need = (end + 4 - c->buf) + length;
      }
      if ((long)c->have < c->need) break;
      if (lat_n == lat_cap) {
        lat_cap *= 2;
        lat = realloc(lat, lat_cap * sizeof *lat);
      }
      lat[lat_n++] = now_ms() - c->sent_at;
      if (c->ok_status) ok++;
      else non2xx++;
      c->in_flight = 0;
      memmove(c->buf, c->buf + c->need, c->have - (size_t)c->need);
      c->have -= (size_t)c->need;
      c->need = -1;
      if (stopping) {
        close_conn(c);
        return;
      }
      send_request(c);
      if (!c->open) return;
    }
  }
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: load HOST PORT REQUEST_FILE CONNECTIONS SECONDS\n");
    return 2;
  }
  FILE *f = fopen(argv[3], "rb");
  if (!f) {
    perror(argv[3]);
    return 2;
  }
  struct stat st;
  fstat(fileno(f), &st);
  request_len = (size_t)st.st_size;
  request = malloc(request_len);
  if (fread(request, 1, request_len, f) != request_len) return 2;
  fclose(f);
  int conns = atoi(argv[4]);
  double seconds = atof(argv[5]);
  lat_cap = 1 << 16;
  lat = malloc(lat_cap * sizeof *lat);
  epfd = epoll_create1(0);
  Conn *cs = calloc((size_t)conns, sizeof *cs);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", argv[1]);
    return 2;
  }
  double cpu0 = cpu_s();
  double start = now_ms();
  for (int i = 0; i < conns; i++) {
    Conn *c = &cs[i];
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->need = -1;
    if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
      errors++;
      close(c->fd);
      continue;
    }
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    c->open = 1;
    open_count++;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
    send_request(c);
  }
  struct epoll_event evs[256];
  while (open_count > 0) {
    int n = epoll_wait(epfd, evs, 256, 100);
    if (!stopping && now_ms() - start >= seconds * 1e3) stopping = 1;
    for (int i = 0; i < n; i++) {
      Conn *c = evs[i].data.ptr;
      if (!c->open) continue;
      if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
        close_conn(c);
        continue;
      }
      if (evs[i].events & EPOLLOUT) pump(c);
      if (c->open && (evs[i].events & EPOLLIN)) drain(c);
    }
    /* a connection idle at the stop has nothing in flight */
    if (stopping)
      for (int i = 0; i < conns; i++)
        if (cs[i].open && !cs[i].in_flight) close_conn(&cs[i]);
  }
  double secs = (now_ms() - start) / 1e3;
  double cpu = cpu_s() - cpu0;
  qsort(lat, lat_n, sizeof *lat, cmp);
  double p50 = lat_n ? lat[(size_t)(lat_n * 0.5)] : -1, p99 = lat_n ? lat[(size_t)(lat_n * 0.99)] : -1;
  printf("{\"ok\":%ld,\"non2xx\":%ld,\"errors\":%ld,\"seconds\":%.4f,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"cpu_s\":%.4f}\n", ok,
         non2xx, errors, secs, p50, p99, cpu);
  return 0;
}
