// SPDX-License-Identifier: GPL-2.0
/*
 * make vmm-check: set the VF token of an SR-IOV PF bound to vfio-pci, as
 * the PF's own user would, so that a VMM can open one of its VFs with
 * -device vfio-pci,host=VF,vf-token=UUID.  A PF whose VFs have no user
 * takes the token given when it is opened ("BDF vf_token=UUID"); vfio-pci
 * keeps it while the PF stays bound.  (QEMU gives no token for the null
 * UUID, the one a PF starts with, so a VMM needs one set.)
 * usage: vfio_vf_token PF-BDF UUID
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

int main(int argc, char **argv)
{
	char path[PATH_MAX], link[PATH_MAX], name[128];
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	int container, group, dev;
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: %s PF-BDF UUID\n", argv[0]);
		return 2;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", argv[1]);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		fprintf(stderr, "vf_token: %s has no IOMMU group\n", argv[1]);
		return 1;
	}
	link[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	container = open("/dev/vfio/vfio", O_RDWR);
	group = open(path, O_RDWR);
	if (container < 0 || group < 0 ||
	    ioctl(group, VFIO_GROUP_GET_STATUS, &gs) ||
	    ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU)) {
		fprintf(stderr, "vf_token: cannot set up the vfio container: %s\n",
			strerror(errno));
		return 1;
	}
	snprintf(name, sizeof(name), "%s vf_token=%s", argv[1], argv[2]);
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (dev < 0) {
		fprintf(stderr, "vf_token: opening %s with the token: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	printf("vf_token: %s's VF token set\n", argv[1]);
	close(dev);
	close(group);
	close(container);
	return 0;
}
