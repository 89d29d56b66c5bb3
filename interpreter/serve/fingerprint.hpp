// interpreter/serve/fingerprint.hpp — which exact rules produced a decision: a hash of every
// file a policy load read (policy files, includes, data files, the base set).
#pragma once

#include "lang/source.hpp"

#include <string>
#include <string_view>

namespace cpl::serve {

/// `sha256:` and the lower-case hex SHA-256 of the contents of every file in `sources`, in
/// the order the loader read them. Paths are left out, so the same policy loaded from
/// another directory has the same fingerprint; each file's length is hashed before its text,
/// so moving text from one file to the next changes it.
std::string fingerprint(const SourceMap& sources);

/// Lower-case hex SHA-256 of `text` (the decision log's masks use it too).
std::string sha256_hex(std::string_view text);

} // namespace cpl::serve
