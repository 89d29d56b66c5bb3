// lang/codes.hpp — the written form of a procedure code, the language's `code` values as
// they come from outside a policy (a case's claim, a data file's cells).
#pragma once

#include <string_view>

namespace cpl {

/// A CPT or HCPCS code: five digits (95886); four digits and a category letter, F
/// (Category II), T (Category III), U (PLA), M (MAAA) or A (0001A); or an HCPCS Level II
/// letter and four digits (G0453).
bool is_procedure_code(std::string_view s);

} // namespace cpl
