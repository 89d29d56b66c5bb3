// interpreter/serve/request_head.cpp — RFC 9112's rules for a request head (request_head.hpp).
#include "interpreter/serve/request_head.hpp"

#include "runtime/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <vector>

namespace cpl::serve {

namespace {

// RFC 9110, 5.6.2: the characters of a token (a field name, a method).
bool is_tchar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// RFC 9110, 7.2 and RFC 3986, 3.2.2: uri-host [":" port], the host a reg-name (letters, digits,
// `-._~`, %-escapes, sub-delims), an IPv4 address or an IP literal in brackets; empty is a
// Host with no authority.
bool is_host_value(std::string_view v) {
    std::size_t end = 0;
    if (!v.empty() && v[0] == '[') {
        end = v.find(']');
        if (end == std::string_view::npos) return false;
        // An IPv6 address, with a zone (`%25eth0`, RFC 6874), or an IPvFuture (`v1.x`).
        static constexpr std::string_view others = ":.-_~%!$&'()*+,;=";
        for (char c : v.substr(1, end - 1))
            if (!std::isalnum(static_cast<unsigned char>(c)) &&
                others.find(c) == std::string_view::npos)
                return false;
        ++end;
    } else {
        static constexpr std::string_view others = "-._~%!$&'()*+,;=";
        while (end < v.size() && (std::isalnum(static_cast<unsigned char>(v[end])) ||
                                  others.find(v[end]) != std::string_view::npos))
            ++end;
    }
    if (end == v.size()) return true;
    if (v[end] != ':') return false;
    std::string_view port = v.substr(end + 1);
    return std::all_of(port.begin(), port.end(), is_digit);
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> lines_of(std::string_view head) {
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start <= head.size();) {
        std::size_t end = head.find("\r\n", start);
        if (end == std::string_view::npos) end = head.size();
        lines.push_back(head.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

// The elements of a comma-separated field value, trimmed and in lower case; empty ones
// dropped (RFC 9110, 5.6.1).
std::vector<std::string> list_items(std::string_view value) {
    std::vector<std::string> items;
    for (std::size_t start = 0; start <= value.size();) {
        std::size_t end = std::min(value.find(',', start), value.size());
        std::string item = ascii_lower(trimmed(value.substr(start, end - start)));
        if (!item.empty()) items.push_back(std::move(item));
        start = end + 1;
    }
    return items;
}

// The scheme and authority of an absolute-form target (`http://host:8080`), or 0 when the
// target is not one. Only http and https name this server; the authority is not checked
// against Host (RFC 9112, 3.2.2: the target's authority wins, and the server answers the same
// resources whatever it names).
std::size_t scheme_and_authority(std::string_view target) {
    std::size_t colon = target.find("://");
    if (colon == std::string_view::npos) return 0;
    std::string scheme = ascii_lower(target.substr(0, colon));
    if (scheme != "http" && scheme != "https") return 0;
    return std::min(target.find_first_of("/?", colon + 3), target.size());
}

} // namespace

std::variant<RequestHead, HeadProblem> check_head(std::string_view head) {
    RequestHead out; // its path is known once the request line is read
    auto fail = [&](int status, std::string message) {
        return HeadProblem{status, std::move(message), out.path};
    };
    auto bad = [&](std::string message) { return fail(400, std::move(message)); };
    std::vector<std::string_view> lines = lines_of(head);
    for (auto line : lines)
        if (line.find_first_of("\r\n") != std::string_view::npos)
            return bad("the request has a line break other than CRLF");

    // The request line: METHOD SP target SP HTTP-version (RFC 9112, 3).
    std::string_view request = lines.front();
    if (request.size() > max_head_line)
        return fail(414, fmt::format("the request line is longer than {} bytes", max_head_line));
    std::size_t first = request.find(' ');
    std::size_t last = request.rfind(' ');
    if (first == std::string_view::npos || first == last)
        return bad("the request line is not `METHOD TARGET HTTP/1.1`");
    out.method = std::string(request.substr(0, first));
    std::string_view target = request.substr(first + 1, last - first - 1);
    std::string_view version = request.substr(last + 1);
    if (!is_token(out.method) || target.empty() ||
        target.find_first_of(" \t") != std::string_view::npos)
        return bad("the request line is not `METHOD TARGET HTTP/1.1`");
    // RFC 9112, 3.2: a target is visible ASCII; a control character or a raw byte above it is
    // refused, not echoed into an error.
    if (std::any_of(target.begin(), target.end(), [](char c) {
            auto u = static_cast<unsigned char>(c);
            return u <= 0x20 || u >= 0x7F;
        }))
        return bad("the request target holds a byte that is not visible ASCII (escape it as %XX)");
    if (std::size_t prefix = scheme_and_authority(target)) {
        if (prefix == target.find("://") + 3)
            return bad(fmt::format("the request target `{}` names no host", target.substr(0, 40)));
        std::string_view rest = target.substr(prefix);
        out.origin_form = RequestHead::OriginForm{
            std::size_t(target.data() - head.data()), target.size(),
            rest.starts_with('/') ? std::string(rest) : "/" + std::string(rest)};
        target = out.origin_form->target;
    }
    out.path = std::string(target.substr(0, target.find('?')));
    // Checked once the path is known, so that the refusal is in its endpoint's form (FHIR's
    // OperationOutcome on /v1/fhir/Claim, as the other refusals of a head are).
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        if (version.size() == 8 && version.starts_with("HTTP/") && is_digit(version[5]) &&
            version[6] == '.' && is_digit(version[7]))
            return fail(505, fmt::format("{} is not served: send HTTP/1.1", version));
        return bad("the request line is not `METHOD TARGET HTTP/1.1`");
    }
    // An HTTP/1.0 connection is not kept (the library ends it after one answer, whatever its
    // Connection asks), so its answer says it ends.
    out.wants_close = version == "HTTP/1.0";
    // RFC 9110, 9.1: a method the server does not implement (TRACE, CONNECT, a lowercase
    // `get`: methods are case-sensitive) is 501. The library refused these with a bare 400.
    static constexpr std::string_view implemented[] = {"GET",    "HEAD",    "POST", "PUT",
                                                       "DELETE", "OPTIONS", "PATCH"};
    if (std::find(std::begin(implemented), std::end(implemented), out.method) ==
        std::end(implemented))
        return fail(501, fmt::format("the method `{}` is not implemented: the server takes GET, "
                                     "HEAD, POST and OPTIONS",
                                     out.method.substr(0, 40)));

    if (lines.size() - 1 > max_head_fields)
        return fail(431, fmt::format("the request has {} header fields; at most {} are read",
                                     lines.size() - 1, max_head_fields));
    std::size_t hosts = 0;
    bool transfer_encoding = false;
    std::vector<std::pair<std::size_t, std::size_t>> transfer_fields;
    std::vector<std::string> codings;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (line.size() > max_head_line)
            return fail(431, fmt::format("a header line is longer than {} bytes", max_head_line));
        // RFC 9112, 5.2: a line folded onto the one before (obs-fold) is refused.
        if (line.empty() || line.front() == ' ' || line.front() == '\t')
            return bad("a header line begins with whitespace (a folded line)");
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            return bad(fmt::format("the header line `{}` has no colon", line.substr(0, 40)));
        std::string_view name = line.substr(0, colon);
        // RFC 9112, 5.1: whitespace between the name and the colon is refused with 400.
        if (!is_token(name))
            return bad(fmt::format("the header name `{}` is not a token (whitespace before the "
                                   "colon?)",
                                   name.substr(0, 40)));
        std::string_view value = trimmed(line.substr(colon + 1));
        // RFC 9110, 5.5: a control character in a value (NUL, a lone CR) is refused.
        if (std::any_of(value.begin(), value.end(), [](char c) {
                auto u = static_cast<unsigned char>(c);
                return (u < 0x20 && u != '\t') || u == 0x7F;
            }))
            return bad(fmt::format("the header `{}` holds a control character", name));
        std::string key = ascii_lower(name);
        if (key == "host") {
            ++hosts;
            // RFC 9112, 3.2: a Host that is no uri-host [":" port] (`a b`) is a 400.
            if (!is_host_value(value))
                return bad(fmt::format("the Host header `{}` is not a host name with an optional "
                                       "port",
                                       value.substr(0, 40)));
        }
        if (key == "connection")
            for (const auto& option : list_items(value))
                out.wants_close = out.wants_close || option == "close";
        if (key == "content-length") {
            if (value.empty()) return bad("`Content-Length` has no value");
            out.has_length = true;
            if (std::all_of(value.begin(), value.end(), is_digit) && value.size() <= 19) {
                std::uint64_t n = std::stoull(std::string(value));
                out.content_length = n;
                out.has_body = out.has_body || n > 0;
            }
        }
        if (key == "content-encoding" || key == "range")
            out.hidden_fields.emplace_back(std::size_t(line.data() - head.data()), line.size());
        if (key == "content-encoding")
            for (auto& coding : list_items(value))
                out.content_codings.push_back(std::move(coding));
        if (key == "transfer-encoding") {
            // The connection decodes a chunked body and gives the library its length.
            transfer_fields.emplace_back(std::size_t(line.data() - head.data()), line.size());
            for (auto& coding : list_items(value))
                codings.push_back(std::move(coding));
            transfer_encoding = true;
        }
    }
    // RFC 9112, 3.2: an HTTP/1.1 request has exactly one Host.
    if (version == "HTTP/1.1" && hosts != 1)
        return bad(hosts == 0 ? "the request has no Host header"
                              : "the request has more than one Host header");
    // RFC 9112, 6.1 and 6.3: a coding the server does not know is 501; chunked must be the
    // last and only once.
    for (const auto& coding : codings)
        if (coding != "chunked")
            return fail(501, fmt::format("Transfer-Encoding `{}` is not supported: send "
                                         "the body with Content-Length or chunked",
                                         coding));
    if (codings.size() > 1) return bad("Transfer-Encoding names chunked more than once");
    out.chunked = !codings.empty();
    if (out.chunked) {
        out.hidden_fields.insert(out.hidden_fields.end(), transfer_fields.begin(),
                                 transfer_fields.end());
        std::sort(out.hidden_fields.begin(), out.hidden_fields.end());
    }
    // RFC 9112, 6.1: chunked in an HTTP/1.0 request is faulty framing.
    if (out.chunked && version == "HTTP/1.0")
        return bad("Transfer-Encoding: chunked in an HTTP/1.0 request: send Content-Length");
    if (transfer_encoding && codings.empty()) return bad("`Transfer-Encoding` names no coding");
    // Both a length and chunks: where the body ends depends on which a server reads, the shape
    // of request smuggling; RFC 9112 (6.1) lets a server refuse it.
    if (transfer_encoding && out.has_length)
        return bad("the request has both Content-Length and Transfer-Encoding: send one");
    out.has_body = out.has_body || out.chunked;
    return out;
}

} // namespace cpl::serve
