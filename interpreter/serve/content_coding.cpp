// interpreter/serve/content_coding.cpp — Content-Encoding of request bodies
// (content_coding.hpp), with zlib and brotli. Each decoder must reach its stream's end:
// data that stops before it was cut short, and is refused rather than read in part.
#include "interpreter/serve/content_coding.hpp"

#include <brotli/decode.h>
#include <fmt/format.h>
#include <memory>
#include <zlib.h>

namespace cpl::serve {

namespace {

// Its help is the server's, as for a body too large before decoding (it depends on the endpoint).
CodingProblem too_large(std::size_t max_size) {
    return {
        413,
        fmt::format("the request body is larger than the limit of {} bytes once decoded", max_size),
        ""};
}

CodingProblem corrupt(std::string_view coding, std::string_view what) {
    return {400, fmt::format("the request body is not valid `{}` data: {}", coding, what),
            "send the whole body, compressed once for each coding Content-Encoding names"};
}

// gzip (members one after another, as `cat a.gz b.gz` makes) and deflate (zlib's format; a
// gzip header is taken too, as the library took it).
std::optional<CodingProblem> inflate_into(const std::string& in, std::string& out,
                                          std::string_view coding, std::size_t max_size) {
    bool gzip = coding != "deflate";
    z_stream z{};
    if (inflateInit2(&z, gzip ? 16 + MAX_WBITS : 32 + MAX_WBITS) != Z_OK)
        return CodingProblem{500, "the body could not be decoded (zlib)", ""};
    std::unique_ptr<z_stream, int (*)(z_stream*)> end(&z, inflateEnd);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    char buffer[16384];
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(buffer);
        z.avail_out = sizeof buffer;
        int ret = inflate(&z, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - z.avail_out);
        if (out.size() > max_size) return too_large(max_size);
        if (ret == Z_STREAM_END) {
            if (z.avail_in == 0) return std::nullopt;
            if (!gzip) return corrupt(coding, "more data follows the end of the stream");
            // What follows is another member only if it starts as one (a stray newline after
            // the data was refused as a member cut short).
            std::string_view rest(reinterpret_cast<const char*>(z.next_in), z.avail_in);
            if (!std::string_view("\x1f\x8b").starts_with(rest.substr(0, 2)))
                return corrupt(coding, fmt::format("{} byte{} after the end of the data {} not "
                                                   "another gzip member",
                                                   rest.size(), rest.size() == 1 ? "" : "s",
                                                   rest.size() == 1 ? "is" : "are"));
            inflateReset(&z); // the next gzip member
            continue;
        }
        // No progress with all input used: the stream stopped before its end.
        if (ret == Z_BUF_ERROR && z.avail_in == 0)
            return corrupt(coding, "it ends before the stream does (truncated)");
        if (ret != Z_OK) return corrupt(coding, z.msg ? z.msg : "the data is corrupt");
    }
}

std::optional<CodingProblem> brotli_into(const std::string& in, std::string& out,
                                         std::size_t max_size) {
    std::unique_ptr<BrotliDecoderState, void (*)(BrotliDecoderState*)> state(
        BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), BrotliDecoderDestroyInstance);
    if (!state) return CodingProblem{500, "the body could not be decoded (brotli)", ""};
    auto* next_in = reinterpret_cast<const std::uint8_t*>(in.data());
    std::size_t avail_in = in.size();
    char buffer[16384];
    for (;;) {
        auto* next_out = reinterpret_cast<std::uint8_t*>(buffer);
        std::size_t avail_out = sizeof buffer;
        auto result = BrotliDecoderDecompressStream(state.get(), &avail_in, &next_in, &avail_out,
                                                    &next_out, nullptr);
        out.append(buffer, sizeof buffer - avail_out);
        if (out.size() > max_size) return too_large(max_size);
        switch (result) {
        case BROTLI_DECODER_RESULT_SUCCESS:
            if (avail_in == 0) return std::nullopt;
            return corrupt("br", "more data follows the end of the stream");
        case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
            return corrupt("br", "it ends before the stream does (truncated)");
        case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
            continue;
        default:
            return corrupt("br", "the data is corrupt");
        }
    }
}

} // namespace

std::optional<CodingProblem> decode_body(std::string& body, const std::vector<std::string>& codings,
                                         std::size_t max_size) {
    // All are checked before any work: an unknown coding anywhere in the list is a 415.
    for (const auto& coding : codings)
        if (coding != "gzip" && coding != "x-gzip" && coding != "deflate" && coding != "br" &&
            coding != "identity")
            return CodingProblem{
                415, fmt::format("Content-Encoding `{}` is not supported", coding.substr(0, 40)),
                "send the body as it is, or encoded with gzip, deflate or br"};
    for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
        if (*it == "identity") continue;
        std::string decoded;
        auto problem = *it == "br" ? brotli_into(body, decoded, max_size)
                                   : inflate_into(body, decoded, *it, max_size);
        if (problem) return problem;
        body = std::move(decoded);
    }
    return std::nullopt;
}

} // namespace cpl::serve
