// tests/lsp/transcript_test.cpp — golden LSP transcripts, tests/golden/lsp/NAME.txt: what a
// client sends to `cpl lsp` and, under each message, everything the server sent back.
//
//   # comment                 kept as written
//   --> {json}                a message, framed by the runner (sent as written, valid or not)
//   --> open PATH             textDocument/didOpen of PATH (from the repository root) with its text
//   ==> raw bytes             sent as written, `\r`, `\n` and `\\` unescaped: broken framing
//   <-- {json}                what the server sent (pretty-printed; regenerated)
//   --- exit N                the server's exit status once its output ended (regenerated)
//
// `${ROOT}` stands for the repository root's file URI. After each message the runner sends
// a request of an unknown method and reads up to its error response, so the messages in
// between are exactly the server's answer to that one message, however the pipe is timed.
// CPL_UPDATE_GOLDEN=1 rewrites the `<--` and `---` lines; `git diff` is the review.
#include "../helpers.hpp"
#include "../scratch.hpp"
#include "lsp_client.hpp"

#include <catch2/catch.hpp>

using namespace cpl;
using cpl::test::json;
namespace fs = std::filesystem;

namespace {

const std::string root_uri = cpl::test::file_uri(cpl::test::source_root.string());
constexpr std::string_view sync_id = "transcript-sync";

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

std::string unescape(std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\' || i + 1 == raw.size()) {
            out += raw[i];
            continue;
        }
        char c = raw[++i];
        out += c == 'r' ? '\r' : c == 'n' ? '\n' : c;
    }
    return out;
}

// Pretty-printed, but a value that fits on its line stays on one line (a range, a position),
// so a transcript reads like the protocol's examples.
void pretty(const json& value, std::size_t indent, std::string& out) {
    std::string flat = value.dump(-1, ' ', false, json::error_handler_t::replace);
    // Measured as the transcript shows it, so the layout is the same in every checkout.
    std::size_t width = replace_all(flat, root_uri, "${ROOT}").size();
    if (!value.is_structured() || value.empty() || indent + width <= 96) {
        out += flat;
        return;
    }
    std::string pad(indent + 2, ' ');
    out += value.is_object() ? "{\n" : "[\n";
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
        out += first ? "" : ",\n";
        first = false;
        out += pad;
        if (value.is_object()) out += json(it.key()).dump() + ": ";
        pretty(*it, indent + 2, out);
    }
    out += "\n" + std::string(indent, ' ') + (value.is_object() ? "}" : "]");
}

std::string render(const json& message) {
    std::string text;
    pretty(message, 0, text);
    text = replace_all(text, root_uri, "${ROOT}");
    // serverInfo.version: the transcripts outlive a version bump.
    text =
        replace_all(text, "\"version\":\"" CPL_VERSION_STRING "\"", "\"version\":\"${VERSION}\"");
    return "<-- " + text + "\n";
}

// Runs one transcript and returns it as it should read.
std::string run(const std::string& transcript, const fs::path& cache) {
    cpl::test::LspClient server(cpl::test::source_root.string(),
                                {{"XDG_CACHE_HOME", cache.string()}});
    std::istringstream lines(transcript);
    std::string line, out;
    bool exited = false;
    while (std::getline(lines, line)) {
        if (line.starts_with("<-- ") || line.starts_with("--- ") ||
            (!line.empty() && !line.starts_with("#") && !line.starts_with("-->") &&
             !line.starts_with("==>")))
            continue; // an expectation: regenerated below
        out += line + "\n";
        if (exited || !(line.starts_with("--> ") || line.starts_with("==> "))) continue;
        std::string body = replace_all(line.substr(4), "${ROOT}", root_uri);
        if (line.starts_with("==> ")) {
            server.send_raw(unescape(body));
        } else if (body.starts_with("open ")) {
            std::string path = body.substr(5);
            server.send({{"jsonrpc", "2.0"},
                         {"method", "textDocument/didOpen"},
                         {"params",
                          {{"textDocument",
                            {{"uri", root_uri + "/" + path},
                             {"languageId", "cpl"},
                             {"version", 1},
                             {"text", cpl::test::slurp(cpl::test::source_root / path)}}}}}});
        } else {
            server.send_raw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
        }
        json sent = json::parse(body, nullptr, false);
        if (sent.is_object() && sent.value("method", "") == "exit") {
            while (auto message = server.receive())
                out += render(*message);
            exited = true;
            continue;
        }
        server.send({{"jsonrpc", "2.0"}, {"id", sync_id}, {"method", "$/transcript/sync"}});
        for (;;) {
            auto message = server.receive();
            if (!message) {
                out += "<-- (no more output)\n";
                break;
            }
            if (message->value("id", json()) == sync_id) break;
            out += render(*message);
        }
    }
    server.close_input();
    out += fmt::format("--- exit {}\n", server.wait());
    return out;
}

} // namespace

TEST_CASE("LSP transcripts: each message to `cpl lsp` gets exactly the recorded answer") {
    fs::path cache = cpl::test::scratch_file("lsp_cache");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(cpl::test::source_root / "tests/golden/lsp"))
        if (entry.path().extension() == ".txt") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 8);
    for (const auto& file : files) {
        CAPTURE(file.filename().string());
        std::string expected = cpl::test::slurp(file);
        std::string actual = run(expected, cache);
        if (std::getenv("CPL_UPDATE_GOLDEN")) std::ofstream(file) << actual;
        CHECK(actual == expected);
    }
}
