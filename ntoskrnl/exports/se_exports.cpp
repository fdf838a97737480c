// Se data exports: SeExports (ntifs.h "extern NTKERNELAPI PSE_EXPORTS SeExports"), a pointer to a
// filled SE_EXPORTS, and the two default DACLs (ntifs.h "extern PACL SePublicDefaultDacl,
// SeSystemDefaultDacl"). All constant data, built at compile time.
#include "exports/abi.h"
#include "nt/data_layouts.h"

namespace {

using nt::LUID;
using nt::SID_N;

// Identifier authorities (winnt.h SECURITY_*_AUTHORITY: the last byte of the six).
constexpr nt::UCHAR null_authority = 0, world_authority = 1, local_authority = 2, creator_authority = 3,
                    nt_authority = 5, mandatory_label_authority = 16;

constexpr SID_N<1> sid1(nt::UCHAR authority, nt::ULONG rid) {
    return {nt::sid_revision, 1, {0, 0, 0, 0, 0, authority}, {rid}};
}
// S-1-5-32-<alias> (winnt.h SECURITY_BUILTIN_DOMAIN_RID 0x20 and the DOMAIN_ALIAS_RID_* values).
constexpr SID_N<2> builtin_alias(nt::ULONG rid) { return {nt::sid_revision, 2, {0, 0, 0, 0, 0, nt_authority}, {0x20, rid}}; }

// The well-known SIDs (winnt.h RIDs; Microsoft's "Well-known SIDs" page gives the same strings).
constexpr SID_N<1> null_sid = sid1(null_authority, 0);                      // S-1-0-0
constexpr SID_N<1> world_sid = sid1(world_authority, 0);                    // S-1-1-0
constexpr SID_N<1> local_sid = sid1(local_authority, 0);                    // S-1-2-0
constexpr SID_N<1> creator_owner_sid = sid1(creator_authority, 0);          // S-1-3-0
constexpr SID_N<1> creator_group_sid = sid1(creator_authority, 1);          // S-1-3-1
constexpr SID_N<1> owner_rights_sid = sid1(creator_authority, 4);           // S-1-3-4
// S-1-5: the authority alone, no subauthority (the storage has one unused slot).
constexpr SID_N<1> nt_authority_sid = {nt::sid_revision, 0, {0, 0, 0, 0, 0, nt_authority}, {0}};
constexpr SID_N<1> dialup_sid = sid1(nt_authority, 1);                      // S-1-5-1
constexpr SID_N<1> network_sid = sid1(nt_authority, 2);                     // S-1-5-2
constexpr SID_N<1> batch_sid = sid1(nt_authority, 3);                       // S-1-5-3
constexpr SID_N<1> interactive_sid = sid1(nt_authority, 4);                 // S-1-5-4
constexpr SID_N<1> anonymous_logon_sid = sid1(nt_authority, 7);             // S-1-5-7
constexpr SID_N<1> authenticated_users_sid = sid1(nt_authority, 11);        // S-1-5-11
constexpr SID_N<1> restricted_sid = sid1(nt_authority, 12);                 // S-1-5-12
constexpr SID_N<1> iuser_sid = sid1(nt_authority, 17);                      // S-1-5-17
constexpr SID_N<1> local_system_sid = sid1(nt_authority, 18);               // S-1-5-18
constexpr SID_N<1> local_service_sid = sid1(nt_authority, 19);              // S-1-5-19
constexpr SID_N<1> network_service_sid = sid1(nt_authority, 20);            // S-1-5-20
constexpr SID_N<2> admins_sid = builtin_alias(0x220);                       // S-1-5-32-544
constexpr SID_N<2> users_sid = builtin_alias(0x221);                        // S-1-5-32-545
constexpr SID_N<2> guests_sid = builtin_alias(0x222);                       // S-1-5-32-546
constexpr SID_N<2> power_users_sid = builtin_alias(0x223);                  // S-1-5-32-547
constexpr SID_N<2> account_ops_sid = builtin_alias(0x224);                  // S-1-5-32-548
constexpr SID_N<2> system_ops_sid = builtin_alias(0x225);                   // S-1-5-32-549
constexpr SID_N<2> print_ops_sid = builtin_alias(0x226);                    // S-1-5-32-550
constexpr SID_N<2> backup_ops_sid = builtin_alias(0x227);                   // S-1-5-32-551
// Mandatory labels (winnt.h SECURITY_MANDATORY_*_RID).
constexpr SID_N<1> untrusted_mandatory_sid = sid1(mandatory_label_authority, 0x0000);   // S-1-16-0
constexpr SID_N<1> low_mandatory_sid = sid1(mandatory_label_authority, 0x1000);         // S-1-16-4096
constexpr SID_N<1> medium_mandatory_sid = sid1(mandatory_label_authority, 0x2000);      // S-1-16-8192
constexpr SID_N<1> high_mandatory_sid = sid1(mandatory_label_authority, 0x3000);        // S-1-16-12288
constexpr SID_N<1> system_mandatory_sid = sid1(mandatory_label_authority, 0x4000);      // S-1-16-16384

// A privilege's LUID is {its SE_*_PRIVILEGE value, 0} (wdm.h SE_*_PRIVILEGE; ntddk.h
// SE_UNSOLICITED_INPUT_PRIVILEGE 6, the value SE_MACHINE_ACCOUNT_PRIVILEGE took over).
constexpr LUID priv(nt::ULONG value) { return {value, 0}; }

void* sid(const void* s) { return const_cast<void*>(s); }

// SE_EXPORTS as the MinGW-w64 DDK lays it out (nt/data_layouts.h), then zeroed room: later WDKs
// append fields after SeOwnerRightsSid (Windows 8 and later SIDs and privileges) that the module
// cannot source, so a driver built against one reads NULL / {0,0} there rather than other data.
struct SeExportsStorage {
    nt::SE_EXPORTS exports;
    void* later_fields[16];
};

SeExportsStorage se_exports_storage = {
    {
        priv(2), priv(3), priv(4), priv(5), priv(6), priv(7), priv(8), priv(9), priv(10),   // CreateToken..LoadDriver
        priv(15), priv(14), priv(11), priv(12), priv(13), priv(16), priv(17), priv(18),       // CreatePagefile..Restore
        priv(19), priv(20), priv(21), priv(22), priv(23), priv(24),                           // Shutdown..RemoteShutdown
        sid(&null_sid), sid(&world_sid), sid(&local_sid), sid(&creator_owner_sid), sid(&creator_group_sid),
        sid(&nt_authority_sid), sid(&dialup_sid), sid(&network_sid), sid(&batch_sid), sid(&interactive_sid),
        sid(&local_system_sid), sid(&admins_sid), sid(&users_sid), sid(&guests_sid), sid(&power_users_sid),
        sid(&account_ops_sid), sid(&system_ops_sid), sid(&print_ops_sid), sid(&backup_ops_sid),
        sid(&authenticated_users_sid), sid(&restricted_sid), sid(&anonymous_logon_sid),
        priv(25), priv(26), priv(27),                                                         // Undock, SyncAgent, EnableDelegation
        sid(&local_service_sid), sid(&network_service_sid),
        priv(28), priv(29), priv(30), priv(31), priv(32), priv(33), priv(34), priv(35),       // ManageVolume..CreateSymbolicLink
        sid(&iuser_sid), sid(&untrusted_mandatory_sid), sid(&low_mandatory_sid), sid(&medium_mandatory_sid),
        sid(&high_mandatory_sid), sid(&system_mandatory_sid), sid(&owner_rights_sid),
    },
    {},
};
static_assert(offsetof(SeExportsStorage, exports) == 0);

// ---- Default DACLs. Microsoft documents neither DACL's entries; what is sourced is the format
// (winnt.h ACL revision 2, ACCESS_ALLOWED_ACE) and the generic rights (winnt.h GENERIC_ALL
// 0x10000000, GENERIC_READ 0x80000000, GENERIC_EXECUTE 0x20000000, READ_CONTROL 0x00020000). The
// entries are the module's choice, documented here: the local system and the administrators get
// full access in both; the public DACL also lets everyone (World) read and execute, the system
// DACL lets the administrators read and execute only. Generic rights are what a default DACL
// holds, since it is mapped per object type when applied.
constexpr nt::ULONG generic_all = 0x10000000, generic_read = 0x80000000, generic_execute = 0x20000000,
                    read_control = 0x00020000;

template <unsigned N>
constexpr nt::ACCESS_ALLOWED_ACE_N<N> allow(nt::ULONG mask, const SID_N<N>& s) {
    return {{nt::access_allowed_ace_type, 0, static_cast<nt::USHORT>(sizeof(nt::ACCESS_ALLOWED_ACE_N<N>))}, mask, s};
}

struct PublicDacl {
    nt::ACL acl;
    nt::ACCESS_ALLOWED_ACE_N<1> world, system;
    nt::ACCESS_ALLOWED_ACE_N<2> admins;
};
struct SystemDacl {
    nt::ACL acl;
    nt::ACCESS_ALLOWED_ACE_N<1> system;
    nt::ACCESS_ALLOWED_ACE_N<2> admins;
};
static_assert(sizeof(PublicDacl) == 8 + 20 + 20 + 24 && sizeof(SystemDacl) == 8 + 20 + 24, "ACEs packed back to back");

constexpr PublicDacl public_dacl = {
    {nt::acl_revision, 0, sizeof(PublicDacl), 3, 0},
    allow(generic_read | generic_execute, world_sid),
    allow(generic_all, local_system_sid),
    allow(generic_all, admins_sid),
};
constexpr SystemDacl system_dacl = {
    {nt::acl_revision, 0, sizeof(SystemDacl), 2, 0},
    allow(generic_all, local_system_sid),
    allow(generic_read | generic_execute | read_control, admins_sid),
};

}  // namespace

extern "C" {
nt::SE_EXPORTS* SeExports = &se_exports_storage.exports;
const nt::ACL* SePublicDefaultDacl = &public_dacl.acl;
const nt::ACL* SeSystemDefaultDacl = &system_dacl.acl;
}  // extern "C"
