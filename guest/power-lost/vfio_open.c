// SPDX-License-Identifier: GPL-2.0
/*
 * make power-lost's client: open a vfio-pci device as a VMM would (group,
 * container, type1 IOMMU, device fd), read its vendor ID through the
 * config region, ask for a function reset, close; print what each step
 * returned, one "exp: " line each.
 * usage: vfio_open BDF GROUP
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

static long ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	long t0;
	char path[64];
	int container, group, dev;
	struct vfio_region_info reg = { .argsz = sizeof(reg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	unsigned short vendor = 0;
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: vfio_open BDF GROUP\n");
		return 2;
	}
	container = open("/dev/vfio/vfio", O_RDWR);
	snprintf(path, sizeof(path), "/dev/vfio/%s", argv[2]);
	group = open(path, O_RDWR);
	if (container < 0 || group < 0) { printf("exp: open: %s\n", strerror(errno)); return 1; }
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) { printf("exp: container: %s\n", strerror(errno)); return 1; }
	t0 = ms();
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[1]);
	if (dev < 0) { printf("exp: get-device-fd: errno %d %s (%ld ms)\n", errno, strerror(errno), ms() - t0); return 2; }
	printf("exp: device fd ok (%ld ms)\n", ms() - t0);
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &reg)) { printf("exp: region-info: errno %d %s\n", errno, strerror(errno)); }
	n = pread(dev, &vendor, 2, reg.offset);
	printf("exp: config read: %zd bytes, vendor %04x, errno %d %s\n", n, vendor, n < 0 ? errno : 0, n < 0 ? strerror(errno) : "");
	if (ioctl(dev, VFIO_DEVICE_RESET)) printf("exp: reset: errno %d %s\n", errno, strerror(errno)); else printf("exp: reset ok\n");
	t0 = ms();
	close(dev);
	printf("exp: closed (%ld ms)\n", ms() - t0);
	return 0;
}
