// lang/utf8.hpp — text from outside (policies, cases, file names) as it may be shown: UTF-8
// checked, and made safe for a terminal. Policies are checked as UTF-8 when parsed; case JSON
// is checked by simdjson; what is printed as text is escaped here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cpl {

/// The length of the well-formed UTF-8 sequence starting at `at` (1 to 4), or 0 when the
/// bytes there are not one (a stray continuation byte, an overlong form, a surrogate, a
/// truncated sequence).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

/// The offset of the first byte that does not start a well-formed UTF-8 sequence, or
/// `std::string_view::npos` when the whole text is UTF-8.
std::size_t utf8_error_at(std::string_view text);

/// The offset of the first control character of `text` (C0 but tab and the line ends LF and
/// CR, DEL, C1 as U+0080–U+009F), or `std::string_view::npos` when it has none.
std::size_t control_character_at(std::string_view text);

/// The code point of the well-formed sequence of `n` bytes (utf8_sequence_length) at `at`.
char32_t utf8_code_point(std::string_view text, std::size_t at, std::size_t n);

/// The columns a terminal gives `c`: 2 for East Asian wide and fullwidth characters and
/// emoji, 0 for combining marks, zero-width characters and variation selectors, else 1.
int display_width(char32_t c);

/// Whether `c` shows as nothing, or as a blank that is not the space U+0020: a no-break space
/// (U+00A0), a zero-width space or joiner, a mark or override of direction, a line or
/// paragraph separator, a byte-order mark. Pasted from a word processor or a PDF, one makes
/// two names that look alike differ; a direction override reorders the line a terminal shows.
bool hidden_or_blank(char32_t c);

/// The bytes of the hidden or blank characters (hidden_or_blank, or an ASCII space, tab or
/// line end) that `text` begins with, and those it ends with.
std::size_t blank_prefix(std::string_view text);
std::size_t blank_suffix(std::string_view text);

/// `text` as one line that cannot forge output or drive a terminal, nor hide a character:
/// control characters (C0, DEL, C1), hidden and blank characters other than the space
/// (hidden_or_blank) and bytes that are not UTF-8 become escapes (`\n`, `\t`, `\x1b`,
/// `\u0085`, `\u00a0`, `\u202e`), and, unless `keep_backslash`, a backslash is doubled so
/// that an escape cannot be faked (diagnostics keep theirs: their help text quotes policy
/// escapes such as `\{`).
std::string printable(std::string_view text, bool keep_backslash = false);

/// Appends `printable(text)` to `out`, copying runs that need nothing at once.
void append_printable(std::string& out, std::string_view text, bool keep_backslash = false);

/// Where a value from outside is cut when a message shows it: `npos` (shown whole) up to
/// `longest` bytes; past that after its first half of `longest`, on a character's start, so
/// that one long value cannot fill a log with copies of itself.
std::size_t clip_point(std::string_view text, std::size_t longest = 200);

/// `text` as a message shows it: whole, or cut at clip_point with `…` and its length
/// (`G5611111… (1000003 bytes)`).
std::string clipped(std::string_view text);

} // namespace cpl
