// interpreter/serve/content_coding.hpp — a request body's Content-Encoding, undone here rather
// than by the library: it took a truncated gzip body as the part that arrived (a batch cut
// short was answered 200 without its last cases), ignored a coding it did not know (`foo`)
// and read `gzip, gzip` as no coding at all.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cpl::serve {

/// Why a body could not be decoded: 415 for a coding the server does not take, 400 for data
/// that is not what its coding says (corrupt, truncated, or followed by more), 413 when the
/// decoded body passes the limit.
struct CodingProblem {
    int status = 400;
    std::string message;
    std::string help;
};

/// Undoes `codings` (Content-Encoding's list in the order they were applied, lower case, as
/// request_head.hpp reads it) on `body`, the last applied first: `gzip` (`x-gzip`),
/// `deflate` and `br`; `identity` changes nothing. A decoded body over `max_size` bytes is
/// refused. On a problem `body` is left in any state.
std::optional<CodingProblem> decode_body(std::string& body, const std::vector<std::string>& codings,
                                         std::size_t max_size);

} // namespace cpl::serve
