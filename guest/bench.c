// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_lowpower_bench: the guest half of `make bench`.
 *
 * Runs on whatever kernel boots it (5.10, 5.10+series, mainline) against
 * the e1000e devices bound to vfio-pci, and prints one line per figure:
 *
 *   bench: result NAME MEDIAN MIN MAX UNIT n=TRIALS
 *   bench: skip NAME REASON
 *   bench: info TEXT
 *
 * The host (scripts/bench.sh) turns the lines of each kernel into ratios.
 * Sections (all by default, or those named as arguments):
 *   overhead  tight loops of VFIO_DEVICE_GET_REGION_INFO and of a 4-byte
 *             config-space pread on an open device (ns per call), and of
 *             VFIO_GROUP_GET_STATUS on its group fd: a control, an ioctl
 *             path the series does not touch
 *   floor     bare PCI runtime PM of the same device while unused:
 *             power/control "on" until active, "auto" until suspended
 *   entry     LOW_POWER_ENTRY until runtime_status says suspended
 *   wake      ENTRY_WITH_WAKEUP, then a config read: until the eventfd is
 *             readable, and until the read returns
 *   scale     1, 2, 4, 8 devices, a thread each cycling ENTRY_WITH_WAKEUP,
 *             suspended, config read (wake), EXIT for a fixed time
 *   cfgscale  the same N devices, a thread each reading config space in a
 *             loop: the machine's cost of concurrent device accesses
 *   hotpath   what a VMM does most, which the series must not slow: a
 *             loop of BAR0 register reads through a mapping; an e1000e
 *             interrupt raised through ICS (written through the mapping)
 *             until its INTx, then MSI-X, eventfd is readable; an
 *             ioeventfd write until the register shows it (ns per event)
 *   d3cold    floor, entry and wake again (figures named d3cold_*) on a
 *             device the platform powers off when suspended (an ACPI node
 *             with power resources): D3cold instead of D3hot
 *
 * The other sections use only devices without platform power control.
 *
 * Built static with the selftests' helpers (vfio_pci_lib.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "vfio_pci_lib.h"

#define MAX_DEVS	8
#define TRIALS		41
#define LOOP_CALLS	5000
#define TIMEOUT_MS	2000
#define SCALE_SECS	4

static struct vt_bdf devs[MAX_DEVS];
static int ndevs;
/* a device the platform can power off (D3cold), if any */
static char d3c[VT_BDF_LEN];
/* prefix of the figures' names (d3cold_ for the d3cold section) */
static const char *pfx = "";

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* median, min and max of @n samples (sorted in place) */
static void result(const char *name, double *v, int n, const char *unit)
{
	int i;

	if (!n) {
		printf("bench: skip %s%s no samples\n", pfx, name);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	/* every sample too: the host pools the trials of several boots */
	printf("bench: samples %s%s", pfx, name);
	for (i = 0; i < n; i++)
		printf(" %.6g", v[i]);
	printf("\n");
	printf("bench: result %s%s %.4g %.4g %.4g %s n=%d\n", pfx, name,
	       n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0], v[n - 1],
	       unit, n);
	fflush(stdout);
}

static void skip(const char *name, const char *why)
{
	printf("bench: skip %s%s %s\n", pfx, name, why);
	fflush(stdout);
}

/* A sysfs power attribute kept open: re-read with pread, thread-safe */
static int power_open(const char *bdf, const char *attr, int flags)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/%s", bdf, attr);
	return open(path, flags);
}

static int status_is(int fd, const char *want)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return !strncmp(buf, want, strlen(want)) && buf[strlen(want)] == '\n';
}

/*
 * Poll @fd until it reads @want: ns waited (or -1 after the timeout); the
 * mean time of one poll (the resolution) goes to *@res_ns.  @sleep_us = 0
 * polls back to back.
 */
static double wait_status(int fd, const char *want, double start, int sleep_us,
			  double *res_ns)
{
	double t, first = now_ns();
	long polls = 0;

	for (;;) {
		polls++;
		if (status_is(fd, want))
			break;
		if (now_ns() - start > TIMEOUT_MS * 1e6)
			return -1;
		if (sleep_us)
			usleep(sleep_us);
	}
	t = now_ns();
	if (res_ns)
		*res_ns = (t - first) / polls;
	return t - start;
}

/* wait_status() that adds the number of polls to *@polls */
static double wait_status_n(int fd, const char *want, double start, int sleep_us,
			    long *polls)
{
	for (;;) {
		++*polls;
		if (status_is(fd, want))
			return now_ns() - start;
		if (now_ns() - start > TIMEOUT_MS * 1e6)
			return -1;
		usleep(sleep_us);
	}
}

static int write_str(int fd, const char *s)
{
	return pwrite(fd, s, strlen(s), 0) == (ssize_t)strlen(s) ? 0 : -errno;
}

struct opened {
	struct vt_group g;
	struct vt_dev d;
	int status;
};

static int open_dev(struct opened *o, const char *bdf)
{
	int ret = vt_group_open(&o->g, vt_group_id(bdf));

	if (ret)
		return ret;
	ret = vt_dev_open(&o->d, &o->g, bdf);
	if (ret) {
		vt_group_close(&o->g);
		return ret;
	}
	o->status = power_open(bdf, "runtime_status", O_RDONLY);
	return 0;
}

static void close_dev(struct opened *o)
{
	if (o->status >= 0)
		close(o->status);
	vt_dev_close(&o->d);
	vt_group_close(&o->g);
}

/* run on @cpu only, or (-1) anywhere */
static void pin_cpu(int cpu)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (cpu < 0 || i == cpu)
			CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Time an action until runtime_status reads @want.  A watcher thread polls
 * back to back on CPU 1 while the acting thread, on CPU 0, acts and then
 * blocks: the PM core queues the suspend work on the CPU that dropped the
 * last usage count (pm_wq is per-CPU on 5.10), and a poller spinning on
 * that CPU would hold the work off for up to a scheduler tick.
 */
struct watch {
	int fd;
	const char *want;
	int armed;	/* set by the acting thread once start is */
	double start;
	double lat;	/* ns from start until @want, or -1 after the timeout */
	double res;	/* mean ns of one poll: the resolution */
	pthread_t th;
};

static void *watch_status(void *arg)
{
	struct watch *w = arg;

	pin_cpu(sysconf(_SC_NPROCESSORS_ONLN) > 1);
	while (!__atomic_load_n(&w->armed, __ATOMIC_ACQUIRE))
		;
	w->lat = wait_status(w->fd, w->want, w->start, 0, &w->res);
	return NULL;
}

static int watch_start(struct watch *w, int fd, const char *want)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->want = want;
	return pthread_create(&w->th, NULL, watch_status, w);
}

/* the action starts now */
static void watch_arm(struct watch *w)
{
	w->start = now_ns();
	__atomic_store_n(&w->armed, 1, __ATOMIC_RELEASE);
}

/* ms until @want (or -1), the resolution in us to *@res_us */
static double watch_end(struct watch *w, double *res_us)
{
	if (!__atomic_load_n(&w->armed, __ATOMIC_ACQUIRE))
		watch_arm(w);	/* the action failed: let the watcher time out */
	pthread_join(w->th, NULL);
	*res_us = w->res / 1e3;
	return w->lat < 0 ? -1 : w->lat / 1e6;
}

/* 1. the ioctl and region-access paths the pm wrapper sits on */
static void bench_overhead(const char *bdf)
{
	double ioctl_ns[TRIALS], pread_ns[TRIALS], group_ns[TRIALS];
	struct vfio_group_status gs;
	struct vfio_region_info ri;
	struct opened o;
	uint32_t val;
	int t, i;

	if (open_dev(&o, bdf)) {
		skip("overhead", "cannot open the device");
		return;
	}
	pin_cpu(0);
	/* interleaved trials, so drift hits both loops alike */
	for (t = 0; t < TRIALS; t++) {
		double s = now_ns();

		for (i = 0; i < LOOP_CALLS; i++) {
			memset(&ri, 0, sizeof(ri));
			ri.argsz = sizeof(ri);
			ri.index = VFIO_PCI_BAR0_REGION_INDEX;
			if (ioctl(o.d.fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
				break;
		}
		ioctl_ns[t] = (now_ns() - s) / LOOP_CALLS;
		s = now_ns();
		for (i = 0; i < LOOP_CALLS; i++)
			if (pread(o.d.fd, &val, 4, o.d.cfg.offset) != 4)
				break;
		pread_ns[t] = (now_ns() - s) / LOOP_CALLS;
		if (i < LOOP_CALLS) {
			skip("overhead", "a call failed");
			goto out;
		}
		s = now_ns();
		for (i = 0; i < LOOP_CALLS; i++) {
			gs.argsz = sizeof(gs);
			if (ioctl(o.g.group, VFIO_GROUP_GET_STATUS, &gs))
				break;
		}
		group_ns[t] = (now_ns() - s) / LOOP_CALLS;
		if (i < LOOP_CALLS) {
			skip("overhead", "a call failed");
			goto out;
		}
	}
	result("overhead_ioctl_region_info", ioctl_ns, TRIALS, "ns/call");
	result("overhead_cfg_pread4", pread_ns, TRIALS, "ns/call");
	result("control_group_status", group_ns, TRIALS, "ns/call");
out:
	pin_cpu(-1);
	close_dev(&o);
}

/* 3 (floor). bare PCI runtime resume/suspend of the device while unused */
static void bench_floor(const char *bdf)
{
	double resume[TRIALS], suspend[TRIALS], res[TRIALS];
	int ctl, st, t, n = 0;

	ctl = power_open(bdf, "control", O_WRONLY);
	st = power_open(bdf, "runtime_status", O_RDONLY);
	if (ctl < 0 || st < 0 || wait_status(st, "suspended", now_ns(), 0, NULL) < 0) {
		skip("floor", "the unused device does not runtime-suspend on this kernel");
		goto out;
	}
	pin_cpu(0);
	for (t = 0; t < TRIALS; t++) {
		struct watch w;
		double s;
		int err;

		usleep(5000);
		s = now_ns();
		if (write_str(ctl, "on"))
			break;
		resume[n] = (now_ns() - s) / 1e6;
		if (!status_is(st, "active"))
			break;
		usleep(5000);
		if (watch_start(&w, st, "suspended"))
			break;
		watch_arm(&w);
		err = write_str(ctl, "auto");
		suspend[n] = watch_end(&w, &res[n]);
		if (err || suspend[n] < 0)
			break;
		n++;
	}
	pin_cpu(-1);
	if (n < TRIALS)
		skip("floor", "power/control did not resume or suspend the device");
	result("floor_resume", resume, n, "ms");
	result("floor_suspend", suspend, n, "ms");
	result("floor_poll_resolution", res, n, "us");
out:
	if (ctl >= 0) {
		write_str(ctl, "auto");
		close(ctl);
	}
	if (st >= 0)
		close(st);
}

static int has_low_power(int fd)
{
	return !vt_feature(fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0);
}

/* 2. LOW_POWER_ENTRY until runtime_status says suspended */
static void bench_entry(const char *bdf)
{
	double lat[TRIALS], res[TRIALS];
	struct opened o;
	int t, n = 0;

	if (open_dev(&o, bdf)) {
		skip("entry", "cannot open the device");
		return;
	}
	if (!has_low_power(o.d.fd)) {
		skip("entry", "no VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY on this kernel");
		goto out;
	}
	pin_cpu(0);
	for (t = 0; t < TRIALS; t++) {
		struct watch w;
		int err;

		usleep(5000);
		if (watch_start(&w, o.status, "suspended"))
			break;
		watch_arm(&w);
		err = vt_lp_entry(o.d.fd);
		lat[n] = watch_end(&w, &res[n]);
		if (err || lat[n] < 0 || vt_lp_exit(o.d.fd) || !status_is(o.status, "active"))
			break;
		n++;
	}
	pin_cpu(-1);
	if (n < TRIALS)
		skip("entry", "a trial failed");
	result("entry_to_suspended", lat, n, "ms");
	result("entry_poll_resolution", res, n, "us");
out:
	close_dev(&o);
}

struct waiter {
	int efd;
	volatile int ready;
	double t;
};

static void *wait_eventfd(void *arg)
{
	struct waiter *w = arg;
	struct pollfd p = { .fd = w->efd, .events = POLLIN };

	w->ready = 1;
	if (poll(&p, 1, TIMEOUT_MS) == 1)
		w->t = now_ns();
	return NULL;
}

/* 3. a config read on a suspended device: eventfd readable, read returns */
static void bench_wake(const char *bdf)
{
	double evt[TRIALS], ret[TRIALS];
	struct opened o;
	int t, n = 0, efd;

	if (open_dev(&o, bdf)) {
		skip("wake", "cannot open the device");
		return;
	}
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!has_low_power(o.d.fd)) {
		skip("wake", "no VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY on this kernel");
		goto out;
	}
	for (t = 0; t < TRIALS; t++) {
		struct waiter w = { .efd = efd };
		pthread_t th;
		uint32_t val;
		double s;

		if (vt_lp_entry_wakeup(o.d.fd, efd) ||
		    wait_status(o.status, "suspended", now_ns(), 200, NULL) < 0)
			break;
		pthread_create(&th, NULL, wait_eventfd, &w);
		while (!w.ready)
			usleep(100);
		usleep(5000);	/* the waiter sits in poll(), the device settles */
		s = now_ns();
		if (pread(o.d.fd, &val, 4, o.d.cfg.offset) != 4)
			break;
		ret[n] = (now_ns() - s) / 1e6;
		pthread_join(th, NULL);
		if (!w.t || vt_eventfd_take(efd) != 1 || vt_lp_exit(o.d.fd))
			break;
		evt[n++] = (w.t - s) / 1e6;
	}
	if (n < TRIALS)
		skip("wake", "a trial failed");
	result("wake_to_eventfd", evt, n, "ms");
	result("wake_to_read_return", ret, n, "ms");
out:
	close(efd);
	close_dev(&o);
}

/* 5. N devices, a thread each, cycling entry -> wake -> exit */
struct cycler {
	const char *bdf;
	double deadline;
	long cycles;
	long polls;
	double cpu_ns;		/* this thread's CPU time, polls included */
	double poll_cpu_ns;	/* of it, polling runtime_status */
	int err;
};

static double thread_cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *cycle(void *arg)
{
	struct cycler *c = arg;
	struct opened o;
	uint32_t val;
	int efd;

	if (open_dev(&o, c->bdf)) {
		c->err = 1;
		return NULL;
	}
	efd = eventfd(0, EFD_CLOEXEC);
	c->cpu_ns = thread_cpu_ns();
	while (now_ns() < c->deadline) {
		uint64_t cnt;
		double p0;
		int bad;

		if (vt_lp_entry_wakeup(o.d.fd, efd)) {
			c->err = 1;
			break;
		}
		p0 = thread_cpu_ns();
		bad = wait_status_n(o.status, "suspended", now_ns(), 200, &c->polls) < 0;
		c->poll_cpu_ns += thread_cpu_ns() - p0;
		if (bad || pread(o.d.fd, &val, 4, o.d.cfg.offset) != 4 ||
		    read(efd, &cnt, sizeof(cnt)) != sizeof(cnt) ||
		    vt_lp_exit(o.d.fd)) {
			c->err = 1;
			break;
		}
		c->cycles++;
	}
	c->cpu_ns = thread_cpu_ns() - c->cpu_ns;
	close(efd);
	close_dev(&o);
	return NULL;
}

/* busy and total jiffies of all CPUs from /proc/stat */
static void cpu_times(double *busy, double *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");

	if (f) {
		if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
			memset(v, 0, sizeof(v));
		fclose(f);
	}
	*total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
	*busy = *total - v[3] - v[4];
}

/*
 * The CPU time of every task but this program, in ns, from each process's
 * CPU clock (the scheduler's runtime, exact; /proc/stat counts 10 ms
 * units): the kernel threads (the PM workqueue's runtime suspend, the
 * interrupt threads) and everything else the cycles make run.
 */
#define MAX_PIDS	1024
struct cpu_snap {
	int n;
	pid_t pid[MAX_PIDS];
	double ns[MAX_PIDS];
};

static void others_cpu(struct cpu_snap *c)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	c->n = 0;
	while (d && (e = readdir(d)) && c->n < MAX_PIDS) {
		pid_t pid = atoi(e->d_name);
		struct timespec t;
		clockid_t cid;

		if (pid <= 0 || pid == getpid() || clock_getcpuclockid(pid, &cid) ||
		    clock_gettime(cid, &t))
			continue;
		c->pid[c->n] = pid;
		c->ns[c->n++] = t.tv_sec * 1e9 + t.tv_nsec;
	}
	if (d)
		closedir(d);
}

/* ns the tasks of @b ran since @a (tasks new in @b count from 0) */
static double others_delta(const struct cpu_snap *a, const struct cpu_snap *b)
{
	double sum = 0;
	int i, j;

	for (i = 0; i < b->n; i++) {
		double was = 0;

		for (j = 0; j < a->n; j++)
			if (a->pid[j] == b->pid[i]) {
				was = a->ns[j];
				break;
			}
		sum += b->ns[i] - was;
	}
	return sum;
}

static void bench_scale(void)
{
	static const int steps[] = { 1, 2, 4, 8 };
	struct opened o;
	unsigned int s;
	int ok;

	if (open_dev(&o, devs[0].name)) {
		skip("scale", "cannot open the device");
		return;
	}
	ok = has_low_power(o.d.fd);
	close_dev(&o);
	if (!ok) {
		skip("scale", "no VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY on this kernel");
		return;
	}
	for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		static struct cpu_snap o0, o1;
		struct cycler c[MAX_DEVS] = { 0 };
		pthread_t th[MAX_DEVS];
		double rate[MAX_DEVS], b0, t0, b1, t1, sum = 0, cycles = 0;
		double thr = 0, poll = 0, other;
		int n = steps[s], i, err = 0;
		long polls = 0;
		char name[32];

		if (n > ndevs) {
			snprintf(name, sizeof(name), "scale_%d", n);
			skip(name, "not enough devices");
			continue;
		}
		cpu_times(&b0, &t0);
		others_cpu(&o0);
		for (i = 0; i < n; i++) {
			c[i].bdf = devs[i].name;
			c[i].deadline = now_ns() + SCALE_SECS * 1e9;
			pthread_create(&th[i], NULL, cycle, &c[i]);
		}
		for (i = 0; i < n; i++) {
			pthread_join(th[i], NULL);
			err |= c[i].err;
			rate[i] = c[i].cycles / (double)SCALE_SECS;
			sum += rate[i];
			cycles += c[i].cycles;
			thr += c[i].cpu_ns;
			poll += c[i].poll_cpu_ns;
			polls += c[i].polls;
		}
		others_cpu(&o1);
		cpu_times(&b1, &t1);
		other = others_delta(&o0, &o1);
		snprintf(name, sizeof(name), "scale_%d", n);
		if (err) {
			skip(name, "a cycle failed");
			continue;
		}
		result(name, rate, n, "cycles/s/device");
		printf("bench: info %s total %.1f cycles/s, guest cpu busy %.0f%%\n",
		       name, sum, t1 > t0 ? 100 * (b1 - b0) / (t1 - t0) : 0);
		/* per cycle, in us: the cycling threads' CPU less their polling, the polls, the rest */
		if (cycles)
			printf("bench: info %s cpu per cycle: threads %.1f us, polls %.1f us (%.1f polls), other tasks %.1f us\n",
			       name, (thr - poll) / cycles / 1e3, poll / cycles / 1e3,
			       polls / cycles, other / cycles / 1e3);
	}
}

/*
 * 5b. The same N devices, a thread each reading its device's config space
 * through vfio (4-byte pread at offset 0) in a loop: no power state change,
 * only the emulated device access every cycle of table 5 makes 80-odd times
 * (76 reads, 8-10 writes, counted with QEMU's pci_cfg_read/write trace).
 * The guest CPU time of one read against N tells what the machine, not the
 * kernel, does with concurrent device accesses.
 */
struct reader {
	const char *bdf;
	double deadline;
	long reads;
	double cpu_ns;
	int err;
};

static void *cfg_reader(void *arg)
{
	struct reader *r = arg;
	struct opened o;
	uint32_t val;

	if (open_dev(&o, r->bdf)) {
		r->err = 1;
		return NULL;
	}
	r->cpu_ns = thread_cpu_ns();
	while (now_ns() < r->deadline) {
		if (pread(o.d.fd, &val, 4, o.d.cfg.offset) != 4) {
			r->err = 1;
			break;
		}
		r->reads++;
	}
	r->cpu_ns = thread_cpu_ns() - r->cpu_ns;
	close_dev(&o);
	return NULL;
}

static void bench_cfgscale(void)
{
	static const int steps[] = { 1, 2, 4, 8 };
	unsigned int s;

	for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		struct reader r[MAX_DEVS] = { 0 };
		pthread_t th[MAX_DEVS];
		double us[MAX_DEVS], cpu = 0;
		int n = steps[s], i, err = 0;
		long reads = 0;
		char name[32];

		snprintf(name, sizeof(name), "cfgscale_%d", n);
		if (n > ndevs) {
			skip(name, "not enough devices");
			continue;
		}
		for (i = 0; i < n; i++) {
			r[i].bdf = devs[i].name;
			r[i].deadline = now_ns() + 1e9;
			pthread_create(&th[i], NULL, cfg_reader, &r[i]);
		}
		for (i = 0; i < n; i++) {
			pthread_join(th[i], NULL);
			err |= r[i].err || !r[i].reads;
			us[i] = r[i].reads ? r[i].cpu_ns / r[i].reads / 1e3 : 0;
			cpu += r[i].cpu_ns;
			reads += r[i].reads;
		}
		if (err) {
			skip(name, "a read failed");
			continue;
		}
		/* per thread: guest CPU us per read */
		result(name, us, n, "us-cpu/read");
		printf("bench: info %s %.0f reads/s in all, %.2f us of guest CPU per read\n",
		       name, (double)reads, cpu / reads / 1e3);
	}
}

/* e1000e registers in BAR0 */
#define E1000_STATUS	0x0008
#define E1000_ICR	0x00c0
#define E1000_ICS	0x00c8
#define E1000_IMS	0x00d0
#define E1000_IMC	0x00d8
#define E1000_IVAR	0x00e4
#define E1000_ITR	0x00c4
#define E1000_EITR(i)	(0x00e8 + 4 * (i))
#define E1000_RDBAL0	0x2800
#define E1000_LSC	0x00000004
#define E1000_OTHER	0x01000000

static int set_irq(struct vt_dev *d, uint32_t index, int efd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (void *)buf;

	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &efd, sizeof(efd));
	return ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set) ? -errno : 0;
}

static void irq_off(struct vt_dev *d, uint32_t index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index,
	};

	ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &set);
}

/* ns per interrupt: ICS write through @bar until @efd reads (INTx or MSI-X) */
static int irq_trial(struct vt_dev *d, volatile uint32_t *bar, int efd, int msix,
		     double *ns)
{
	struct vfio_irq_set unmask = {
		.argsz = sizeof(unmask),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.count = 1,
	};
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint32_t ims;
	uint64_t cnt;
	double s, sum = 0;
	int i;

	for (i = 0; i < LOOP_CALLS / 10; i++) {
		s = now_ns();
		bar[E1000_ICS / 4] = E1000_LSC;
		if (poll(&p, 1, TIMEOUT_MS) != 1 || read(efd, &cnt, sizeof(cnt)) != sizeof(cnt))
			return -1;
		sum += now_ns() - s;
		/* clear the cause: ICR reads clear it only with IMS 0 under MSI-X */
		ims = bar[E1000_IMS / 4];
		bar[E1000_IMC / 4] = ~0u;
		(void)bar[E1000_ICR / 4];
		bar[E1000_IMS / 4] = ims;
		if (!msix && ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &unmask))
			return -1;
	}
	*ns = sum / (LOOP_CALLS / 10);
	return 0;
}

/* 7. the VMM's hot paths: mapped BAR reads, interrupts, ioeventfds */
static void bench_hotpath(const char *bdf)
{
	double rd[TRIALS], intx[TRIALS], msix[TRIALS], ioe[TRIALS], ev[LOOP_CALLS / 10];
	struct vfio_device_ioeventfd ioefd = {
		.argsz = sizeof(ioefd),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
	};
	volatile uint32_t *bar;
	uint16_t cmd;
	struct opened o;
	uint64_t one = 1;
	int t, i, n = 0, efd, ioe_fd = -1;
	uint32_t sum = 0;
	const char *why = "";
	void *map;
	double s;

	if (open_dev(&o, bdf)) {
		skip("hotpath", "cannot open the device");
		return;
	}
	efd = eventfd(0, EFD_CLOEXEC);
	/* memory decode and bus master (an MSI is a write by the device) */
	cmd = vt_cfg_read16(&o.d, 4) | 0x6;
	map = mmap(NULL, 0x4000, PROT_READ | PROT_WRITE, MAP_SHARED, o.d.fd, o.d.bar0.offset);
	if (vt_cfg_write(&o.d, 4, &cmd, sizeof(cmd)) || map == MAP_FAILED || efd < 0) {
		skip("hotpath", "cannot map BAR0");
		goto out;
	}
	bar = map;
	/*
	 * The least interrupt throttling.  QEMU 7.2's e1000e asserts when a
	 * throttling timer of one mode (INTx/MSI, MSI-X) fires in the other:
	 * each mode is left only once its timer has run (the sleeps below).
	 */
	bar[E1000_ITR / 4] = 0;
	for (i = 0; i < 5; i++)
		bar[E1000_EITR(i) / 4] = 0;
	pin_cpu(0);
	for (t = 0; t < TRIALS; t++) {
		/* mapped reads */
		s = now_ns();
		for (i = 0; i < LOOP_CALLS; i++)
			sum += bar[E1000_STATUS / 4];
		rd[n] = (now_ns() - s) / LOOP_CALLS;
		/* INTx */
		bar[E1000_IMS / 4] = E1000_LSC;
		why = "INTx";
		if (set_irq(&o.d, VFIO_PCI_INTX_IRQ_INDEX, efd) ||
		    irq_trial(&o.d, bar, efd, 0, &intx[n]))
			break;
		usleep(20000);
		irq_off(&o.d, VFIO_PCI_INTX_IRQ_INDEX);
		/* MSI-X vector 0, for the "other" causes */
		bar[E1000_IVAR / 4] = 0x00080000;
		bar[E1000_IMS / 4] = E1000_LSC | E1000_OTHER;
		why = "MSI-X";
		if (set_irq(&o.d, VFIO_PCI_MSIX_IRQ_INDEX, efd) ||
		    irq_trial(&o.d, bar, efd, 1, &msix[n]))
			break;
		usleep(20000);
		irq_off(&o.d, VFIO_PCI_MSIX_IRQ_INDEX);
		bar[E1000_IMC / 4] = ~0u;
		/* an ioeventfd write, until the register holds it */
		why = "ioeventfd";
		if (ioe_fd < 0) {
			ioe_fd = eventfd(0, EFD_CLOEXEC);
			ioefd.fd = ioe_fd;
			ioefd.offset = o.d.bar0.offset + E1000_RDBAL0;
			ioefd.data = 0x5a5a5a50;
			if (ioctl(o.d.fd, VFIO_DEVICE_IOEVENTFD, &ioefd))
				break;
		}
		ioe[n] = 0;
		for (i = 0; i < LOOP_CALLS / 10; i++) {
			bar[E1000_RDBAL0 / 4] = 0;
			s = now_ns();
			if (write(ioe_fd, &one, sizeof(one)) != sizeof(one))
				goto stop;
			while (bar[E1000_RDBAL0 / 4] != ioefd.data)
				if (now_ns() - s > TIMEOUT_MS * 1e6)
					goto stop;
			ev[i] = now_ns() - s;
			ioe[n] += ev[i];
		}
		ioe[n] /= LOOP_CALLS / 10;
		n++;
	}
stop:
	pin_cpu(-1);
	if (n < TRIALS)
		printf("bench: skip hotpath trial %d failed at %s: %s\n", n, why, strerror(errno));
	result("hot_bar_mmap_read", rd, n, "ns/read");
	result("hot_intx_to_eventfd", intx, n, "ns/irq");
	result("hot_msix_to_eventfd", msix, n, "ns/irq");
	result("hot_ioeventfd_to_device", ioe, n, "ns/write");
	/*
	 * The last trial's events one by one: whether a difference between
	 * kernels is in every event or in a few (work that happens once per
	 * trial, e.g. after the interrupt trials' ioctls)
	 */
	if (n) {
		int k, top = 0;

		for (k = 1; k < LOOP_CALLS / 10; k++)
			if (ev[k] > ev[top])
				top = k;
		printf("bench: info ioeventfd events of the last trial: first %.0f, second %.0f, largest %.0f (event %d), last %.0f ns\n",
		       ev[0], ev[1], ev[top], top, ev[LOOP_CALLS / 10 - 1]);
	}
	if (sum == 0xdeadbeef)
		printf("bench: info %u\n", sum);
out:
	if (ioe_fd >= 0) {
		ioefd.fd = -1;
		ioctl(o.d.fd, VFIO_DEVICE_IOEVENTFD, &ioefd);
		close(ioe_fd);
	}
	if (map != MAP_FAILED)
		munmap(map, 0x4000);
	if (efd >= 0)
		close(efd);
	close_dev(&o);
}

/* The devices: those without platform power control, and one with it */
static void list_devices(void)
{
	struct vt_bdf all[16];
	char path[PATH_MAX];
	int i, n = vt_list_devices(all, 16);

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/firmware_node/power_resources_D3hot", all[i].name);
		if (!access(path, F_OK)) {
			if (!d3c[0] && vt_group_size(vt_group_id(all[i].name)) == 1)
				strcpy(d3c, all[i].name);
		} else if (ndevs < MAX_DEVS) {
			devs[ndevs++] = all[i];
		}
	}
}

/* 6. floor, entry and wake on the device the platform powers off */
static void bench_d3cold(void)
{
	char st[16] = "";
	int i;

	if (!d3c[0]) {
		skip("d3cold", "no device the platform can power off");
		return;
	}
	/* unused, it must be suspended in D3cold: else the rows are D3hot's */
	for (i = 0; i < 200; i++) {
		vt_sysfs_read(d3c, "firmware_node/power_state", st, sizeof(st));
		if (!strcmp(st, "D3cold"))
			break;
		usleep(10000);
	}
	if (strcmp(st, "D3cold")) {
		printf("bench: skip d3cold %s is in %s, not D3cold, while unused\n", d3c, st);
		return;
	}
	printf("bench: info d3cold device %s\n", d3c);
	pfx = "d3cold_";
	bench_floor(d3c);
	bench_entry(d3c);
	bench_wake(d3c);
	pfx = "";
}

static int want(int argc, char **argv, const char *sec)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], sec))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct utsname u;

	setvbuf(stdout, NULL, _IOLBF, 0);
	uname(&u);
	list_devices();
	printf("bench: info kernel %s, %d devices bound to vfio-pci%s%s, %d trials, %ld cpus\n",
	       u.release, ndevs, d3c[0] ? " and D3cold-capable " : "", d3c, TRIALS,
	       sysconf(_SC_NPROCESSORS_ONLN));
	if (!ndevs) {
		skip("all", "no device bound to vfio-pci");
		return 1;
	}
	/* the device is unused for the floor, then opened for the rest */
	if (want(argc, argv, "overhead"))
		bench_overhead(devs[0].name);
	if (want(argc, argv, "floor"))
		bench_floor(devs[0].name);
	if (want(argc, argv, "entry"))
		bench_entry(devs[0].name);
	if (want(argc, argv, "wake"))
		bench_wake(devs[0].name);
	/*
	 * The hot paths before the scale: after the scale's eight devices
	 * and threads, each ioeventfd event costs 45 more guest instructions
	 * on any kernel (the kernels must see the same history before it)
	 */
	if (want(argc, argv, "hotpath"))
		bench_hotpath(devs[0].name);
	if (want(argc, argv, "scale"))
		bench_scale();
	if (want(argc, argv, "cfgscale"))
		bench_cfgscale();
	if (want(argc, argv, "d3cold"))
		bench_d3cold();
	printf("bench: info done\n");
	return 0;
}
