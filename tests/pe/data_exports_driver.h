/* Interface between data_exports.c (user mode) and its driver half, data_exports_driver.c, which
 * reads the module's data exports through the DDK's declarations as a driver does. */
#ifndef NTOSKRNL_TESTS_DATA_EXPORTS_DRIVER_H
#define NTOSKRNL_TESTS_DATA_EXPORTS_DRIVER_H

#include <stdint.h>

/* One data export as the driver sees it: the name, the address its import resolved to, and its
 * size in bytes on this architecture (the Windows type's). */
struct data_export_ref
{
    const char *name;
    const void *address;
    unsigned size;
};

/* Fills refs (at most max) and returns how many data exports there are. */
unsigned driver_data_exports(struct data_export_ref *refs, unsigned max);

/* Values read through the DDK's macros and declarations. */
struct driver_data_values
{
    unsigned char kd_debugger_not_present, kd_entered_debugger, mm_64bit_physical, number_processors;
    uintptr_t highest_user, user_probe, system_range_start;
    unsigned long nt_global_flag, io_read_ops, io_write_ops, cc_fast_mdl_read_wait, cc_fast_read_not_possible,
        cc_fast_read_wait, io_device_handler_object_size, i386_machine_type;
    long long io_read_bytes, io_write_bytes;
    uintptr_t io_statistics_lock;
    const void *loader_block;
    unsigned short oem_code_page;
    const unsigned short *oem_lead_bytes, *ansi_lead_bytes;
    const void *object_types[7];               /* Job, Section, Port, Adapter, DeviceHandler, Desktop, WindowStation */
    const unsigned char *legal_ansi;           /* FsRtlLegalAnsiCharacterArray */
    int fat_legal_A, fat_legal_plus, ntfs_legal_plus, ntfs_legal_colon, wild_star, wild_dos_star,
        stream_legal_ctrl, ntfs_legal_ctrl;    /* the FsRtlIsAnsiCharacter* macros */
    unsigned long hal_version, hal_private_version;
    const void *hal_query_system_information;
    const void *se_exports;                    /* SeExports */
    const void *public_dacl, *system_dacl;
    const uintptr_t *bug_check_data;           /* KiBugCheckData */
};
void driver_data_values(struct driver_data_values *v);

/* SeExports checks done with the DDK's types: 0 if all pass, else the number of the first failure. */
int driver_check_se_exports(void);

/* Calls HalDispatchTable->HalQuerySystemInformation (a stub in the module: does not return). */
void driver_call_hal_query(void);

#endif
