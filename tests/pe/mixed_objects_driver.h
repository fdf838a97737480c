#ifndef NTOSKRNL_TESTS_MIXED_OBJECTS_DRIVER_H
#define NTOSKRNL_TESTS_MIXED_OBJECTS_DRIVER_H
/* The driver half of mixed_objects (DDK layouts of IRP and DRIVER_OBJECT). Wine's routines that
 * the project's libntoskrnl.a does not provide are passed in, looked up by name in the loaded
 * ntoskrnl.exe (the module's forwarders). Each returns NULL, or what went wrong. */
const char *mod_wine_completes_pool_system_buffer(void *io_allocate_irp, void *iof_complete_request,
                                                  unsigned long tag);
const char *mod_created_driver_object(void *io_delete_driver, short *type_seen);
#endif
