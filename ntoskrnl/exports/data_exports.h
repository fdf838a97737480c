// The module's data exports (spec section "Data exports"): the variables Windows exports as data
// and Wine 8.0's builtin only stubs. Most are constant-initialised; the few that describe the
// machine or the process are set once, at module load, from DllMain.
#pragma once

namespace exports {

// Sets KeNumberProcessors, the Mm address limits and the Nls code-page exports from the system
// underneath. Called once from DllMain (DLL_PROCESS_ATTACH), before any driver runs.
void initialize_data_exports();

}  // namespace exports
