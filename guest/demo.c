// SPDX-License-Identifier: GPL-2.0
/*
 * make demo: tell, with timestamps, what a vfio-pci device does around the
 * low-power features: unused -> open -> LOW_POWER_ENTRY_WITH_WAKEUP ->
 * suspended -> a config read wakes it and the eventfd fires -> EXIT ->
 * close.  On a kernel without the features it says so and shows the stock
 * behaviour.  It drives a device the platform can power off (D3cold, an
 * ACPI node with power resources) when there is one, and then shows the
 * platform's power state too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

/* ABI values as mainline, for a header that predates them */
#ifndef VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY
#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY 3
#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP 4
#define VFIO_DEVICE_FEATURE_LOW_POWER_EXIT 5
struct vfio_device_low_power_entry_with_wakeup {
	__s32 wakeup_eventfd;
	__u32 reserved;
};
#endif

static struct timespec t0;
static char bdf[NAME_MAX + 1];

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6;
}

static void sysfs_read(const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	buf[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static void say(const char *what)
{
	char st[32], use[32], pwr[32];

	sysfs_read("power/runtime_status", st, sizeof(st));
	sysfs_read("power/runtime_usage", use, sizeof(use));
	/* the platform's power state, for a device it can power off */
	sysfs_read("firmware_node/power_state", pwr, sizeof(pwr));
	printf("demo: [%9.3f ms] %-58s runtime_status=%s usage=%s%s%s\n", now_ms(), what, st,
	       use, pwr[0] ? " platform=" : "", pwr);
	fflush(stdout);
}

/* wait up to 2 s for runtime_status; returns ms waited or -1 */
static double wait_status(const char *want)
{
	double start = now_ms();
	char st[32];

	do {
		sysfs_read("power/runtime_status", st, sizeof(st));
		if (!strcmp(st, want))
			return now_ms() - start;
		usleep(1000);
	} while (now_ms() - start < 2000);
	return -1;
}

static int feature(int dev, uint32_t flags, void *payload, size_t len)
{
	char buf[sizeof(struct vfio_device_feature) + 16] = { 0 };
	struct vfio_device_feature *f = (void *)buf;

	f->argsz = sizeof(*f) + len;
	f->flags = flags;
	memcpy(f->data, payload, len);
	return ioctl(dev, VFIO_DEVICE_FEATURE, f) ? -errno : 0;
}

/* Can the platform cut @name's power (ACPI _PR3), and is it alone in its group? */
static int powered_off_alone(const char *name)
{
	char path[PATH_MAX];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/firmware_node/power_resources_D3hot", name);
	if (access(path, F_OK))
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group/devices", name);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n == 1;
}

/* $VFIO_TEST_BDF, else the first device the platform can power off, else the first */
static int find_device(void)
{
	const char *env = getenv("VFIO_TEST_BDF");
	char first[NAME_MAX + 1] = "";
	struct dirent *e;
	DIR *d;

	if (env) {
		snprintf(bdf, sizeof(bdf), "%s", env);
		return 0;
	}
	d = opendir("/sys/bus/pci/drivers/vfio-pci");
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!strchr(e->d_name, ':'))
			continue;
		if (!first[0] || strcmp(e->d_name, first) < 0)
			snprintf(first, sizeof(first), "%s", e->d_name);
		if (powered_off_alone(e->d_name) && (!bdf[0] || strcmp(e->d_name, bdf) < 0))
			snprintf(bdf, sizeof(bdf), "%s", e->d_name);
	}
	closedir(d);
	if (!bdf[0])
		snprintf(bdf, sizeof(bdf), "%s", first);
	return bdf[0] ? 0 : -1;
}

int main(void)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	struct vfio_device_low_power_entry_with_wakeup lp;
	char path[PATH_MAX], link[PATH_MAX], msg[128];
	int container, group, dev, efd, ret;
	uint64_t count = 0;
	uint16_t vendor;
	ssize_t n;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (find_device()) {
		printf("demo: no device bound to vfio-pci\n");
		return 1;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		printf("demo: %s has no IOMMU group\n", bdf);
		return 1;
	}
	link[n] = '\0';
	printf("demo: device %s, IOMMU group %s\n", bdf, strrchr(link, '/') + 1);

	ms = wait_status("suspended");
	if (ms >= 0)
		say("bound to vfio-pci, nobody has it open: suspended");
	else
		say("bound to vfio-pci, nobody has it open: NOT suspended");

	container = open("/dev/vfio/vfio", O_RDWR);
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	group = open(path, O_RDWR);
	if (container < 0 || group < 0 ||
	    ioctl(group, VFIO_GROUP_GET_STATUS, &gs) ||
	    ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU)) {
		printf("demo: cannot set up the vfio container: %s\n", strerror(errno));
		return 1;
	}
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (dev < 0) {
		printf("demo: cannot open the device: %s\n", strerror(errno));
		return 1;
	}
	say("opened through /dev/vfio (type1 container)");

	ri.index = VFIO_PCI_CONFIG_REGION_INDEX;
	ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &ri);

	ret = feature(dev, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		      VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, NULL, 0);
	if (ret) {
		snprintf(msg, sizeof(msg), "PROBE LOW_POWER_ENTRY_WITH_WAKEUP: %s",
			 strerror(-ret));
		say(msg);
		printf("demo: this kernel has no user low-power feature: the device stays in D0 while open\n");
		goto out;
	}
	say("PROBE: the kernel supports the low-power features");

	efd = eventfd(0, EFD_NONBLOCK);
	lp.wakeup_eventfd = efd;
	lp.reserved = 0;
	ret = feature(dev, VFIO_DEVICE_FEATURE_SET |
		      VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, &lp, sizeof(lp));
	snprintf(msg, sizeof(msg), "LOW_POWER_ENTRY_WITH_WAKEUP: %s", ret ? strerror(-ret) : "ok");
	say(msg);
	ms = wait_status("suspended");
	snprintf(msg, sizeof(msg), ms >= 0 ? "suspended %.1f ms after the entry" :
		 "did not suspend within 2 s", ms);
	say(msg);
	sysfs_read("firmware_node/power_state", msg, sizeof(msg));
	if (msg[0])
		say(strcmp(msg, "D3cold") ? "the platform did not cut the power" :
		    "the platform cut the device's power (D3cold)");

	ms = now_ms();
	n = pread(dev, &vendor, sizeof(vendor), ri.offset);
	snprintf(msg, sizeof(msg), "config read (the guest touched it): vendor %04x in %.1f ms",
		 n == 2 ? vendor : 0, now_ms() - ms);
	say(msg);
	n = read(efd, &count, sizeof(count));
	snprintf(msg, sizeof(msg), "wake-up eventfd: %s, count %llu",
		 n == 8 ? "fired" : "did not fire", (unsigned long long)count);
	say(msg);
	usleep(200000);
	say("200 ms later: still active (no re-entry without the user)");

	ret = feature(dev, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL, 0);
	snprintf(msg, sizeof(msg), "LOW_POWER_EXIT: %s", ret ? strerror(-ret) : "ok");
	say(msg);
	close(efd);
out:
	close(dev);
	close(group);
	close(container);
	say("closed");
	ms = wait_status("suspended");
	say(ms >= 0 ? "unused again: suspended" : "unused again: NOT suspended");
	return 0;
}
