/* A driver importing one of Wine's export drivers, usbd.sys (in the prefix's
 * system32\drivers, as on Windows): USBD_GetUSBDIVersion and USBD_CreateConfigurationRequestEx,
 * which builds a select-configuration URB in pool that the caller frees with ExFreePool
 * (Microsoft, USBD_CreateConfigurationRequestEx). The URB is usbd.sys's allocation (its own
 * ntoskrnl.exe import), freed by the driver. */
#include "sample_driver.h"
#include <usb.h>
#include <usbdlib.h>

#define IMPORT_USBD_WRONG 0xE0D1E004u /* a bug check code no Windows component uses */

#pragma pack(push, 1)
struct config {
    USB_CONFIGURATION_DESCRIPTOR c;
    USB_INTERFACE_DESCRIPTOR i;
    USB_ENDPOINT_DESCRIPTOR e;
};
#pragma pack(pop)

static VOID NTAPI unload(PDRIVER_OBJECT driver) { UNREFERENCED_PARAMETER(driver); }

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    USBD_VERSION_INFORMATION version;
    USBD_INTERFACE_LIST_ENTRY list[2];
    struct config cfg;
    PURB urb;
    UNREFERENCED_PARAMETER(registry_path);

    RtlZeroMemory(&version, sizeof(version));
    USBD_GetUSBDIVersion(&version);
    if (!version.USBDI_Version) KeBugCheckEx(IMPORT_USBD_WRONG, 1, 0, 0, 0);

    RtlZeroMemory(&cfg, sizeof(cfg));
    cfg.c.bLength = sizeof(cfg.c);
    cfg.c.bDescriptorType = USB_CONFIGURATION_DESCRIPTOR_TYPE;
    cfg.c.wTotalLength = sizeof(cfg);
    cfg.c.bNumInterfaces = 1;
    cfg.c.bConfigurationValue = 1;
    cfg.i.bLength = sizeof(cfg.i);
    cfg.i.bDescriptorType = USB_INTERFACE_DESCRIPTOR_TYPE;
    cfg.i.bNumEndpoints = 1;
    cfg.e.bLength = sizeof(cfg.e);
    cfg.e.bDescriptorType = USB_ENDPOINT_DESCRIPTOR_TYPE;
    cfg.e.bEndpointAddress = 0x81;
    cfg.e.bmAttributes = USB_ENDPOINT_TYPE_BULK;
    cfg.e.wMaxPacketSize = 64;
    list[0].InterfaceDescriptor = &cfg.i;
    list[0].Interface = NULL;
    list[1].InterfaceDescriptor = NULL;
    list[1].Interface = NULL;
    urb = USBD_CreateConfigurationRequestEx(&cfg.c, list);
    if (!urb) KeBugCheckEx(IMPORT_USBD_WRONG, 2, 0, 0, 0);
    if (urb->UrbHeader.Function != URB_FUNCTION_SELECT_CONFIGURATION || !list[0].Interface ||
        list[0].Interface->NumberOfPipes != 1)
        KeBugCheckEx(IMPORT_USBD_WRONG, 3, urb->UrbHeader.Function, (ULONG_PTR)list[0].Interface, 0);
    ExFreePool(urb);
    driver->DriverUnload = unload;
    return STATUS_SUCCESS;
}
