/*
 * Platform power control for the test machine's D3cold devices.
 *
 * The root ports at 00:02.3 (slot 4, one function) and 00:02.4 (slot 5,
 * two functions) get an ACPI node with a power resource for the slot.
 * _OFF cuts the slot's power the way the test machine can: it asserts
 * the root port's Secondary Bus Reset, so that the devices lose their
 * state (config space, BARs, MSI-X, registers) as in a power cut; _ON
 * releases it.  The devices below name the resource in _PR0 and _PR3,
 * which makes D3cold a state they can reach.
 *
 * QEMU 10 (not 7.2) describes the root ports itself (\_SB.PCI0.S13
 * for 00:02.3, with a child S00 for the device behind it), so these
 * nodes repeat an _ADR of the DSDT.  Of two nodes with one _ADR, Linux
 * takes a node with _STA over one without (acpi_find_child_device()),
 * so each root port here has a _STA: the PCI devices get these nodes as
 * their ACPI companions, with the power resources, on any QEMU.
 */
DefinitionBlock ("", "SSDT", 2, "VFIOLP", "D3COLD", 1)
{
	External (\_SB.PCI0, DeviceObj)

	Scope (\_SB.PCI0)
	{
		Device (RP4)
		{
			Name (_ADR, 0x00020003)
			Name (_STA, 0x0F)
			OperationRegion (BRCT, PCI_Config, 0x3E, 0x02)
			Field (BRCT, WordAcc, NoLock, Preserve)
			{
				, 6,
				SBR, 1,
			}
			PowerResource (PWR4, 0, 0)
			{
				Name (ONST, One)
				Method (_STA) { Return (ONST) }
				Method (_ON) { SBR = Zero; ONST = One }
				Method (_OFF) { SBR = One; ONST = Zero }
			}
			Device (DEV0)
			{
				Name (_ADR, Zero)
				Name (_PR0, Package () { PWR4 })
				Name (_PR3, Package () { PWR4 })
			}
		}

		Device (RP5)
		{
			Name (_ADR, 0x00020004)
			Name (_STA, 0x0F)
			OperationRegion (BRCT, PCI_Config, 0x3E, 0x02)
			Field (BRCT, WordAcc, NoLock, Preserve)
			{
				, 6,
				SBR, 1,
			}
			PowerResource (PWR5, 0, 0)
			{
				Name (ONST, One)
				Method (_STA) { Return (ONST) }
				Method (_ON) { SBR = Zero; ONST = One }
				Method (_OFF) { SBR = One; ONST = Zero }
			}
			Device (DEV0)
			{
				Name (_ADR, Zero)
				Name (_PR0, Package () { PWR5 })
				Name (_PR3, Package () { PWR5 })
			}
			Device (DEV1)
			{
				Name (_ADR, One)
				Name (_PR0, Package () { PWR5 })
				Name (_PR3, Package () { PWR5 })
			}
		}
	}
}
