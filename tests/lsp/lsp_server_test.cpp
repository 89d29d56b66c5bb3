// tests/lsp/lsp_server_test.cpp — `cpl lsp` against the standard set, which changes as the
// policy does, so these tests compare with what load_policy("standard") says rather than
// with recorded text; and what a transcript cannot show well: hundreds of errors, framing
// broken mid-message, the end of input, a payer re-checked when its open base changes.
// The recorded transcripts are in transcript_test.cpp.
#include "../helpers.hpp"
#include "../scratch.hpp"
#include "interpreter/load/load.hpp"
#include "lsp_client.hpp"
#include "stdlib/builtins.hpp"
#include "stdlib/embedded.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>

using namespace cpl;
using cpl::test::json;
using cpl::test::LspClient;
namespace fs = std::filesystem;

namespace {

std::string uri_of(const fs::path& path) {
    return cpl::test::file_uri(path.string());
}

fs::path scratch(const std::string& name) {
    return cpl::test::fresh_dir("lsp_" + name);
}

void initialize(LspClient& server, const fs::path& root) {
    json r =
        server.request("initialize", {{"rootUri", uri_of(root)}, {"capabilities", json::object()}});
    REQUIRE(r.contains("result"));
    server.notify("initialized", json::object());
}

json open(LspClient& server, const std::string& uri, const std::string& text) {
    server.notify(
        "textDocument/didOpen",
        {{"textDocument", {{"uri", uri}, {"languageId", "cpl"}, {"version", 1}, {"text", text}}}});
    return server.diagnostics_for(uri);
}

// The errors among published diagnostics (severity 1): a test about one error is not about
// the warnings its small policy draws too (a definition nothing reads).
json errors_in(const json& diagnostics) {
    json out = json::array();
    for (const json& d : diagnostics)
        if (d.value("severity", 0) == 1) out.push_back(d);
    return out;
}

json at(const std::string& uri, int line, int character) {
    return {{"textDocument", {{"uri", uri}}},
            {"position", {{"line", line}, {"character", character}}}};
}

std::string decoded(const std::string& path) {
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i)
        if (path[i] == '%' && i + 2 < path.size()) {
            out += static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += path[i];
        }
    return out;
}

// The text of a location's line, read from the file its URI names.
std::string line_at(const json& location) {
    std::string uri = location.at("uri");
    REQUIRE(uri.starts_with("file://"));
    std::ifstream in(decoded(uri.substr(7)));
    std::string line;
    for (int n = 0; n <= location["range"]["start"]["line"].get<int>(); ++n)
        std::getline(in, line);
    return line;
}

std::set<std::string> labels(const json& response) {
    std::set<std::string> out;
    for (const auto& item : response["result"]["items"])
        out.insert(item["label"].get<std::string>());
    return out;
}

const std::string payer_text = "policy acme extends standard\n"                          // 0
                               "min_muscles_per_limb 4\n"                                // 1
                               "def y = ncs_performed and count(case.extremities) > 0\n" // 2
                               "rule r when y bill 95860 cite \"c\"\n";                  // 3

} // namespace

TEST_CASE("lsp: definitions go into the standard set on disk, where stdlib/ is") {
    LspClient server(cpl::test::source_root.string());
    initialize(server, cpl::test::source_root);
    // Never saved: the server checks the editor's text.
    std::string uri = uri_of(cpl::test::source_root / "policies" / "unsaved_lsp_test_payer.cpl");
    json published = open(server, uri, payer_text);
    CHECK(published["diagnostics"].empty());

    json def = server.request("textDocument/definition", at(uri, 2, 10));
    CAPTURE(def.dump());
    std::string target = def["result"]["uri"];
    CHECK(target.starts_with(uri_of(cpl::test::source_root / "stdlib" / "standard")));
    CHECK(line_at(def["result"]).find("def ncs_performed") != std::string::npos);

    json setting = server.request("textDocument/definition", at(uri, 1, 3));
    CHECK(line_at(setting["result"]).find("setting min_muscles_per_limb") != std::string::npos);

    // References: the standard set's own uses, and the payer's.
    json params = at(uri, 2, 10);
    params["context"] = {{"includeDeclaration", true}};
    json refs = server.request("textDocument/references", params);
    std::size_t in_payer = 0, in_standard = 0;
    for (const auto& location : refs["result"]) {
        if (location["uri"] == uri)
            ++in_payer;
        else if (location["uri"].get<std::string>().find("/stdlib/standard/") !=
                 std::string::npos) {
            ++in_standard;
            CHECK(line_at(location).find("ncs_performed") != std::string::npos);
        }
    }
    CHECK(in_payer == 1);
    CHECK(in_standard >= 2);
}

TEST_CASE("lsp: without stdlib/ on disk, the embedded standard set is written to the cache") {
    fs::path dir = scratch("cache");
    fs::create_directories(dir / "work");
    LspClient server((dir / "work").string(), {{"XDG_CACHE_HOME", (dir / "cache").string()}});
    initialize(server, dir / "work");
    std::string uri = uri_of(dir / "work" / "acme.cpl");
    CHECK(open(server, uri, payer_text)["diagnostics"].empty());

    json def = server.request("textDocument/definition", at(uri, 2, 10));
    std::string target = def["result"]["uri"];
    CAPTURE(target);
    std::string prefix = uri_of(dir / "cache" / "cpl") + "/standard-";
    REQUIRE(target.starts_with(prefix));
    std::string path = decoded(target.substr(7));
    CHECK(line_at(def["result"]).find("def ncs_performed") != std::string::npos);
    std::string relative = path.substr(path.find("/stdlib/") + 1);
    CHECK(cpl::test::slurp(path) == std::string(*embedded_policy_file(relative)));
    // Read-only: editing the copy would change nothing the binary uses.
    auto perms = fs::status(path).permissions();
    CHECK((perms & fs::perms::owner_write) == fs::perms::none);

    // The copy, opened, is checked as part of the standard set: no errors, and its names resolve.
    std::string copy = cpl::test::slurp(path);
    CHECK(open(server, target, copy)["diagnostics"].empty());
}

TEST_CASE("lsp: hover and completion show the standard set's names, docs and values") {
    LspClient server(cpl::test::source_root.string());
    initialize(server, cpl::test::source_root);
    std::string uri = uri_of(cpl::test::source_root / "policies" / "unsaved_lsp_hover.cpl");
    open(server, uri, payer_text);
    Loaded standard = load_policy("standard");
    REQUIRE(standard.program);

    json hover = server.request("textDocument/hover", at(uri, 1, 3));
    std::string text = hover["result"]["contents"]["value"];
    CAPTURE(text);
    const SettingCode* setting = nullptr;
    for (const auto& s : standard.program->settings)
        if (s.name == "min_muscles_per_limb") setting = &s;
    REQUIRE(setting);
    CHECK(text.find(setting->doc) != std::string::npos);
    CHECK(text.find(setting->cite) != std::string::npos);
    CHECK(text.find("**Value:** `4`, set by `acme`") != std::string::npos);
    CHECK(text.find("(`standard`)") != std::string::npos);

    // Anywhere in an expression: every setting, table and definition of the standard set,
    // every built-in, and `case`.
    std::set<std::string> names = labels(server.request("textDocument/completion", at(uri, 2, 8)));
    for (const auto& s : standard.program->settings)
        CHECK(names.count(s.name));
    for (const auto& t : standard.program->tables)
        CHECK(names.count(t->name));
    for (const auto& d : standard.program->defs)
        CHECK(names.count(d.name));
    for (const auto& b : builtins())
        CHECK(names.count(std::string(b.name)));
    CHECK(names.count("case"));
    CHECK_FALSE(names.count("claim")); // only in edits

    // In a string: the standard muscle table's names.
    server.notify("textDocument/didChange",
                  {{"textDocument", {{"uri", uri}, {"version", 2}}},
                   {"contentChanges", {{{"text", payer_text + "def m = \"ab"}}}}});
    std::set<std::string> muscles =
        labels(server.request("textDocument/completion", at(uri, 4, 11)));
    REQUIRE(standard.program->muscles);
    for (const auto& name : standard.program->muscles->names)
        CHECK(muscles.count(name));

    // After `narrow edit` and a new edit's `after`: the standard set's edits.
    for (const auto& [line, column] :
         {std::pair{"narrow edit ", 12}, {"edit e \"doc\" after ", 19}}) {
        server.notify("textDocument/didChange",
                      {{"textDocument", {{"uri", uri}, {"version", 3}}},
                       {"contentChanges", {{{"text", payer_text + line}}}}});
        std::set<std::string> edits =
            labels(server.request("textDocument/completion", at(uri, 4, column)));
        CAPTURE(line);
        CHECK(edits.count("identical_lines"));
        CHECK_FALSE(edits.count("needle_emg_complete_without_ncs")); // a rule
    }
}

// Found by a probe of the server: hover and definition on `extends standard` gave nothing.
TEST_CASE("lsp: `extends` and `include` have a hover, and go to the base's header") {
    LspClient server(cpl::test::source_root.string());
    initialize(server, cpl::test::source_root);
    std::string uri = uri_of(cpl::test::source_root / "policies" / "unsaved_lsp_extends.cpl");
    open(server, uri, payer_text);

    json hover = server.request("textDocument/hover", at(uri, 0, 22));
    std::string text = hover["result"]["contents"]["value"];
    CAPTURE(text);
    CHECK(text.find("policy standard from \"2013-01-01\"") != std::string::npos);
    CHECK(text.find("CPT 2025 electrodiagnostic medicine") != std::string::npos);
    CHECK(text.find("**File:** `stdlib/standard/standard.cpl`") != std::string::npos);
    CHECK(text.find("standard → acme") != std::string::npos);

    json def = server.request("textDocument/definition", at(uri, 0, 22));
    CAPTURE(def.dump());
    CHECK(line_at(def["result"]).starts_with("policy standard "));

    // An include of the standard set, opened: its hover says what it reads.
    std::string standard_uri =
        uri_of(cpl::test::source_root / "stdlib" / "standard" / "standard.cpl");
    std::string standard_text =
        cpl::test::slurp(cpl::test::source_root / "stdlib" / "standard" / "standard.cpl");
    open(server, standard_uri, standard_text);
    std::size_t include_at = standard_text.find("include \"sources.cpl\"");
    REQUIRE(include_at != std::string::npos);
    int line = static_cast<int>(std::count(
        standard_text.begin(), standard_text.begin() + static_cast<long>(include_at), '\n'));
    json included = server.request("textDocument/hover", at(standard_uri, line, 11));
    std::string included_text = included["result"]["contents"]["value"];
    CAPTURE(included_text);
    CHECK(included_text.find("include \"sources.cpl\"") != std::string::npos);
    CHECK(included_text.find("sources.cpl`") != std::string::npos);
}

// Found by a probe of the server: a row a payer removed was still counted in the hover.
TEST_CASE("lsp: a table's hover counts the rows in force, not those a payer removed") {
    LspClient server(cpl::test::source_root.string());
    initialize(server, cpl::test::source_root);
    std::string uri = uri_of(cpl::test::source_root / "policies" / "unsaved_lsp_rows.cpl");
    open(server, uri,
         "policy rows extends standard \"r\"\ntable bypass_modifiers\n  remove \"59\"\nend\n");
    Loaded standard = load_policy("standard");
    REQUIRE(standard.program);
    const TableData* base = nullptr;
    for (const auto& t : standard.program->tables)
        if (t->name == "bypass_modifiers") base = t.get();
    REQUIRE(base);
    std::string text =
        server.request("textDocument/hover", at(uri, 1, 8))["result"]["contents"]["value"];
    CAPTURE(text);
    CHECK(text.find(fmt::format("**Rows:** {} ({} from `standard`)", base->rows.size() - 1,
                                base->rows.size() - 1)) != std::string::npos);
}

TEST_CASE("lsp: after `x.` the fields of what the declaration binds x to, in a string its "
          "values") {
    LspClient server(cpl::test::source_root.string());
    initialize(server, cpl::test::source_root);
    std::string uri = uri_of(cpl::test::source_root / "policies" / "unsaved_lsp_fields.cpl");
    // Each line is a rule's text up to the cursor, after `x.`; the fields expected and one
    // of another record that must not be offered.
    struct Case {
        std::string text;
        std::vector<std::string> offered;
        std::string not_offered;
    };
    for (const auto& [text, offered, not_offered] : std::vector<Case>{
             {"rule r\n  for limb in case.extremities\n  when limb.", {"limb", "muscles"}, "code"},
             {"rule r\n  for limb in case.extremities\n  for m in limb.muscles\n  when m.",
              {"name", "nerve", "roots"},
              "limb"},
             {"rule r\n  let ls = case.extremities\n  when any l in ls: l.", {"muscles"}, "units"},
             {"def full(limb: extremity) = limb.", {"paraspinal_levels"}, "code"},
             {"rule r\n  for d in case.diagnoses\n  when d.", {}, "limb"},
             // In a string compared with a field of fixed values: the values, not muscles.
             {"rule r\n  for limb in case.extremities\n  when limb.limb == \"",
              {"left_arm", "right_leg"},
              "abductor pollicis brevis"},
             {"rule r\n  when case.provider_role in [\"global\", \"", {"technical"}, "APB"},
             {"rule r\n  for s in case.nerve_conduction\n  when s.nerve == \"",
              {"abductor pollicis brevis"},
              "left"},
         }) {
        CAPTURE(text);
        std::string whole = "policy p extends standard\n" + text;
        server.notify("textDocument/didOpen",
                      {{"textDocument",
                        {{"uri", uri}, {"languageId", "cpl"}, {"version", 1}, {"text", whole}}}});
        std::size_t last_line =
            static_cast<std::size_t>(std::count(whole.begin(), whole.end(), '\n'));
        std::size_t column = whole.size() - whole.rfind('\n') - 1;
        std::set<std::string> names =
            labels(server.request("textDocument/completion",
                                  at(uri, static_cast<int>(last_line), static_cast<int>(column))));
        for (const auto& f : offered)
            CHECK(names.count(f));
        CHECK_FALSE(names.count(not_offered));
        server.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
    }
}

TEST_CASE("lsp: a file with hundreds of errors gets every diagnostic, in order") {
    LspClient server(cpl::test::source_root.string());
    initialize(server, cpl::test::source_root);
    constexpr int count = 400;
    std::string check_errors = "policy many\n", parse_errors = "policy many\n";
    for (int i = 0; i < count; ++i) {
        check_errors += fmt::format("def d{} = undefined_{} + 1\n", i, i);
        parse_errors += fmt::format("def p{} = (1 +\n", i);
    }
    auto start = std::chrono::steady_clock::now();
    for (const auto& [name, text] :
         {std::pair{"check", check_errors}, std::pair{"parse", parse_errors}}) {
        CAPTURE(name);
        std::string uri = uri_of(cpl::test::source_root / fmt::format("many_{}.cpl", name));
        json diagnostics = open(server, uri, text)["diagnostics"];
        REQUIRE(diagnostics.size() == count);
        for (int i = 0; i < count; ++i)
            CHECK(diagnostics[static_cast<std::size_t>(i)]["range"]["start"]["line"] == i + 1);
        CHECK(diagnostics[0]["code"] ==
              (std::string(name) == "check" ? "check.unknown_name" : "parse.expected_operand"));
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
    CHECK(server.request("shutdown", nullptr).contains("result"));
    server.notify("exit", nullptr);
    CHECK(server.wait() == 0);
}

TEST_CASE("lsp: a base changed on disk re-checks the open payer, when the client watches files") {
    fs::path dir = scratch("watched");
    std::ofstream(dir / "base.cpl") << "policy base\nsetting limit 5\n";
    LspClient server(dir.string());
    json capabilities = {
        {"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}}};
    REQUIRE(server.request("initialize", {{"rootUri", uri_of(dir)}, {"capabilities", capabilities}})
                .contains("result"));
    server.notify("initialized", json::object());
    // The server asks the client to watch the files a policy can read.
    json registration = *server.receive();
    CHECK(registration["method"] == "client/registerCapability");
    json registered = registration["params"]["registrations"][0];
    CHECK(registered["method"] == "workspace/didChangeWatchedFiles");
    CHECK(registered["registerOptions"]["watchers"][0]["globPattern"] == "**/*.cpl");
    server.send({{"jsonrpc", "2.0"}, {"id", registration["id"]}, {"result", nullptr}});

    std::string payer = uri_of(dir / "payer.cpl");
    CHECK(
        open(server, payer, "policy payer extends \"base.cpl\"\nlimit 4\n")["diagnostics"].empty());
    // The base renamed on disk, by another program: the payer's restatement names nothing now.
    std::ofstream(dir / "base.cpl") << "policy base\nsetting limits 5\n";
    server.notify("workspace/didChangeWatchedFiles",
                  {{"changes", {{{"uri", uri_of(dir / "base.cpl")}, {"type", 2}}}}});
    json again = server.diagnostics_for(payer)["diagnostics"];
    REQUIRE(again.size() == 1);
    CHECK(again[0]["code"] == "check.unknown_setting");
    // A file the payer does not read changes nothing.
    server.notify("workspace/didChangeWatchedFiles",
                  {{"changes", {{{"uri", uri_of(dir / "other.cpl")}, {"type", 2}}}}});
    // Any request: the diagnostics the notification caused would come before its answer.
    CHECK(server.request("cpl/no-such-method", nullptr)["error"]["code"] == -32601);
    for (const auto& n : server.notifications)
        CHECK(n.value("method", "") != "textDocument/publishDiagnostics");

    // A base named before it exists: created later, the payer that looked for it is checked
    // again (it read nothing of it).
    std::string late = uri_of(dir / "late.cpl");
    json missing = open(server, late, "policy late extends \"later_base.cpl\"\nlimit 4\n");
    REQUIRE_FALSE(missing["diagnostics"].empty());
    std::ofstream(dir / "later_base.cpl") << "policy later_base\nsetting limit 5\n";
    server.notify("workspace/didChangeWatchedFiles",
                  {{"changes", {{{"uri", uri_of(dir / "later_base.cpl")}, {"type", 1}}}}});
    CHECK(server.diagnostics_for(late)["diagnostics"].empty());
    // Some watchers say "changed" of a new file: the documents whose load failed are checked.
    std::string later = uri_of(dir / "later.cpl");
    REQUIRE_FALSE(
        open(server, later, "policy later extends \"base_2.cpl\"\nlimit 4\n")["diagnostics"]
            .empty());
    std::ofstream(dir / "base_2.cpl") << "policy base_2\nsetting limit 5\n";
    server.notify("workspace/didChangeWatchedFiles",
                  {{"changes", {{{"uri", uri_of(dir / "base_2.cpl")}, {"type", 2}}}}});
    CHECK(server.diagnostics_for(later)["diagnostics"].empty());

    // A checkout: one notification of many changes. Each document is checked once at most,
    // and only those the changes concern: `payer` reads base.cpl, one of them; `late` and
    // `later` now load, and read none of the others.
    json many = json::array();
    for (int i = 0; i < 5000; ++i)
        many.push_back(
            {{"uri", uri_of(dir / ("other_" + std::to_string(i) + ".cpl"))}, {"type", 2}});
    many.push_back({{"uri", uri_of(dir / "base.cpl")}, {"type", 2}});
    server.notifications.clear();
    server.notify("workspace/didChangeWatchedFiles", {{"changes", many}});
    CHECK(server.request("cpl/no-such-method", nullptr)["error"]["code"] == -32601);
    std::map<std::string, int> published;
    for (const auto& n : server.notifications)
        if (n.value("method", "") == "textDocument/publishDiagnostics")
            ++published[n["params"]["uri"].get<std::string>()];
    CHECK(published == std::map<std::string, int>{{payer, 1}});
}

TEST_CASE("lsp: an exception per line reads the target's loop variable and lets: hover and "
          "definition find them in the base") {
    fs::path dir = scratch("exception_names");
    std::string base_text = "policy base\n"
                            "edit units_cap \"At most 2 units\"\n"
                            "  for line in claim\n"
                            "  let allowed = 2\n"
                            "  when line.units > allowed\n"
                            "  deny \"too many\"\n"
                            "  cite \"c\"\n";
    std::string payer_text = "policy payer extends \"base.cpl\"\n"
                             "exception nmj to edit units_cap per line \"95937 paid\"\n"
                             "  when line.code == 95937 and line.units <= allowed + 1\n"
                             "  warn \"paid\"\n"
                             "  cite \"Plan X\"\n";
    std::ofstream(dir / "base.cpl") << base_text;
    LspClient server(dir.string());
    initialize(server, dir);
    std::string payer = uri_of(dir / "payer.cpl");
    REQUIRE(open(server, payer, payer_text)["diagnostics"].empty());
    // `line` at line 2, character 7; `allowed` at character 43.
    json line = server.request("textDocument/definition", at(payer, 2, 8))["result"];
    CHECK(line["uri"] == uri_of(dir / "base.cpl"));
    CHECK(line["range"]["start"] == json{{"line", 2}, {"character", 6}});
    json allowed = server.request("textDocument/definition", at(payer, 2, 45))["result"];
    CHECK(allowed["range"]["start"] == json{{"line", 3}, {"character", 6}});
    json hover = server.request("textDocument/hover", at(payer, 2, 8))["result"];
    INFO(hover.dump());
    CHECK(hover.dump().find("line") != std::string::npos);
}

TEST_CASE("lsp: a capability of the wrong type is read as absent, not as a broken initialize") {
    LspClient server(cpl::test::source_root.string());
    json capabilities = {
        {"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", "yes"}}}}}};
    json reply = server.request("initialize", {{"rootUri", uri_of(cpl::test::source_root)},
                                               {"capabilities", capabilities}});
    CHECK(reply.contains("result"));
    server.notify("initialized", json::object());
    CHECK(server.request("shutdown", nullptr).contains("result"));
    CHECK(server.notifications.empty()); // no registration asked for
}

TEST_CASE("lsp: a client that cannot watch files is not asked to") {
    LspClient server(cpl::test::source_root.string());
    initialize(server, cpl::test::source_root);
    CHECK(server.request("shutdown", nullptr).contains("result"));
    CHECK(server.notifications.empty());
}

TEST_CASE("lsp: an open base that changes re-checks the open payer that extends it") {
    fs::path dir = scratch("dependents");
    std::ofstream(dir / "base.cpl") << "policy base\nsetting limit 5\n";
    std::ofstream(dir / "payer.cpl") << "policy payer extends \"base.cpl\"\nlimit 4\n";
    LspClient server(dir.string());
    initialize(server, dir);
    std::string base = uri_of(dir / "base.cpl"), payer = uri_of(dir / "payer.cpl");
    CHECK(open(server, base, "policy base\nsetting limit 5\n")["diagnostics"].empty());
    CHECK(
        open(server, payer, "policy payer extends \"base.cpl\"\nlimit 4\n")["diagnostics"].empty());
    // Renamed in the unsaved base: the payer's restatement no longer names a setting.
    server.notify("textDocument/didChange",
                  {{"textDocument", {{"uri", base}, {"version", 2}}},
                   {"contentChanges", {{{"text", "policy base\nsetting limits 5\n"}}}}});
    CHECK(server.diagnostics_for(base)["diagnostics"].empty());
    json again = server.diagnostics_for(payer)["diagnostics"];
    REQUIRE(again.size() == 1);
    CHECK(again[0]["code"] == "check.unknown_setting");
    // Closing the base: the payer is checked against the file on disk again.
    server.notify("textDocument/didClose", {{"textDocument", {{"uri", base}}}});
    CHECK(server.diagnostics_for(base)["diagnostics"].empty());
    CHECK(server.diagnostics_for(payer)["diagnostics"].empty());
}

TEST_CASE("lsp: broken framing and the end of input never crash the server") {
    SECTION("a body cut short by the end of input") {
        LspClient server(cpl::test::source_root.string());
        server.send_raw("Content-Length: 50\r\n\r\n{\"jsonrpc\":");
        server.close_input();
        CHECK_FALSE(server.receive());
        CHECK(server.wait() == 1);
    }
    SECTION("a Content-Length beyond the limit, then a good message") {
        LspClient server(cpl::test::source_root.string());
        server.send_raw("Content-Length: 99999999999\r\n\r\n");
        json error = *server.receive();
        CHECK(error["error"]["code"] == -32700);
        CHECK(error["id"].is_null());
        initialize(server, cpl::test::source_root);
    }
    SECTION("a header that never ends") {
        LspClient server(cpl::test::source_root.string());
        server.send_raw(std::string(70 * 1024, 'x'));
        json error = *server.receive();
        CHECK(error["error"]["code"] == -32700);
        server.send_raw("\r\n\r\n"); // blank lines between messages: no message, no error
        initialize(server, cpl::test::source_root);
        CHECK(server.notifications.empty());
    }
    SECTION("a header past the limit, whole or arriving in parts: one error, then on") {
        for (std::size_t junk : {std::size_t{131000}, std::size_t{2} << 20}) {
            CAPTURE(junk);
            LspClient server(cpl::test::source_root.string());
            std::string body = R"({"jsonrpc":"2.0","id":5,"method":"shutdown"})";
            server.send_raw("X-Padding: " + std::string(junk, 'a') + "\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body);
            initialize(server, cpl::test::source_root);
            std::size_t errors = 0;
            for (const auto& n : server.notifications)
                errors += n.contains("error") && n["error"]["code"] == -32700;
            CHECK(errors == 1);
        }
    }
    SECTION("many blank lines between messages are no message") {
        LspClient server(cpl::test::source_root.string());
        std::string blank_lines;
        for (int i = 0; i < 70000; ++i)
            blank_lines += "\r\n";
        server.send_raw(blank_lines + std::string(70000, '\n'));
        initialize(server, cpl::test::source_root);
        CHECK(server.notifications.empty());
    }
    SECTION("a header block with no Content-Length, then a good message") {
        LspClient server(cpl::test::source_root.string());
        server.send_raw("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n");
        CHECK((*server.receive())["error"]["code"] == -32700);
        initialize(server, cpl::test::source_root);
    }
    SECTION("lines ended with LF alone, or CR alone, as some clients write them") {
        for (std::string line_end : {"\n", "\r"}) {
            CAPTURE(line_end);
            LspClient server(cpl::test::source_root.string());
            initialize(server, cpl::test::source_root);
            std::string body = R"({"jsonrpc":"2.0","id":7,"method":"shutdown"})";
            server.send_raw("Content-Length: " + std::to_string(body.size()) + line_end + line_end +
                            body);
            json reply = *server.receive();
            CHECK(reply["id"] == 7);
            CHECK_FALSE(reply.contains("error"));
        }
    }
    SECTION("the end of input without `exit`") {
        LspClient server(cpl::test::source_root.string());
        initialize(server, cpl::test::source_root);
        server.close_input();
        CHECK(server.wait() == 1);
    }
    SECTION("a Latin-1 file on disk: replies stay valid JSON") {
        fs::path dir = scratch("latin1");
        std::ofstream(dir / "base.cpl") << "policy base\nsetting limit 5 \"caf\xe9\"\n";
        LspClient server(dir.string());
        initialize(server, dir);
        std::string uri = uri_of(dir / "payer.cpl");
        json diagnostics = open(server, uri, "policy payer extends \"base.cpl\"\nlimit 4\n");
        // A policy that is not UTF-8 does not load: the base's byte 0xE9 is parse.invalid_utf8,
        // reported in the payer (its base failed), and no reply carries the byte as is.
        INFO(diagnostics.dump());
        CHECK(diagnostics.dump().find("parse.invalid_utf8") != std::string::npos);
        json hover = server.request("textDocument/hover", at(uri, 1, 2));
        CHECK(hover.contains("result"));
        CHECK(hover.dump().find('\xe9') == std::string::npos);
    }
}

// LSP 3.17 deprecates rootUri and rootPath for workspaceFolders: a client that sends only the
// folders has `extends NAME` found under the first one's policies/, as `cpl check` run there.
TEST_CASE("lsp: a client that sends only workspaceFolders is served from the first folder") {
    fs::path dir = scratch("folders");
    fs::create_directories(dir / "policies");
    fs::create_directories(dir / "sub");
    std::ofstream(dir / "policies" / "mybase.cpl")
        << "policy mybase extends standard \"b\"\nsetting my_limit 5 \"l\" cite \"c\"\n";
    LspClient server(scratch("folders_elsewhere").string());
    json reply = server.request(
        "initialize", {{"rootUri", nullptr},
                       {"workspaceFolders", {{{"uri", uri_of(dir)}, {"name", "folders"}}}},
                       {"capabilities", json::object()}});
    REQUIRE(reply.contains("result"));
    server.notify("initialized", json::object());
    json diagnostics = open(server, uri_of(dir / "sub" / "payer2.cpl"),
                            "policy payer2 extends mybase \"p\"\nmy_limit 4\n")["diagnostics"];
    INFO(diagnostics.dump());
    CHECK(diagnostics.empty());
    CHECK(server.request("shutdown", nullptr).contains("result"));
    server.notify("exit", nullptr);
    CHECK(server.wait() == 0);
}

// A file without a header that no policy includes got no diagnostics at all (it was read as an
// included file alone): it gets what `cpl check` says, with a note why.
TEST_CASE("lsp: a file without a header that nothing includes is told it needs one") {
    fs::path dir = scratch("orphan");
    LspClient server(dir.string());
    initialize(server, dir);
    json diagnostics =
        open(server, uri_of(dir / "orphan.cpl"), "def x = case.extremitis\n")["diagnostics"];
    INFO(diagnostics.dump());
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0]["code"] == "parse.expected_header");
    CHECK(diagnostics[0].dump().find(
              "no policy file in this folder or the one above includes it") != std::string::npos);
    // Included by a policy beside it, it is checked as part of that policy instead.
    std::ofstream(dir / "main.cpl") << "policy main extends standard\ninclude \"part.cpl\"\n";
    std::ofstream(dir / "part.cpl") << "def y = 1\n";
    json part = errors_in(
        open(server, uri_of(dir / "part.cpl"), "def y = case.extremitis\n")["diagnostics"]);
    INFO(part.dump());
    REQUIRE(part.size() == 1);
    CHECK(part[0]["code"] == "check.unknown_field");
    CHECK(server.request("shutdown", nullptr).contains("result"));
    server.notify("exit", nullptr);
    CHECK(server.wait() == 0);
}

// Found by a probe of the server: a line of 30,000 characters overflowed std::regex's
// recursion (a crash); in a CRLF document, or one with a byte order mark, the cursor was
// counted in the analysed text (CRLFs and the mark taken out) and fell early; a position of
// -1 or 2^32 + 2 wrapped round to another line.
TEST_CASE("lsp: completion on a very long line, in CRLF and BOM documents, positions read "
          "strictly") {
    LspClient server(cpl::test::source_root.string());
    initialize(server, cpl::test::source_root);
    std::string uri = uri_of(cpl::test::source_root / "policies" / "unsaved_lsp_lines.cpl");
    auto completion_at_end = [&](const std::string& text) {
        server.notify("textDocument/didOpen",
                      {{"textDocument",
                        {{"uri", uri}, {"languageId", "cpl"}, {"version", 1}, {"text", text}}}});
        // The end of the text, as LSP counts lines (`\r\n`, `\r` or `\n` ends one).
        int line = 0;
        std::size_t start = 0;
        for (std::size_t i = 0; i < text.size(); ++i)
            if (text[i] == '\n' ||
                (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
                ++line;
                start = i + 1;
            }
        int column = static_cast<int>(text.size() - start);
        if (line == 0 && text.starts_with("\xEF\xBB\xBF")) column -= 2; // one UTF-16 unit
        json response = server.request("textDocument/completion", at(uri, line, column));
        server.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
        return response;
    };
    // A description of 100,000 characters, then ` after `: the rules are offered.
    std::string long_line = "rule r \"" + std::string(100000, 'a') + "\" after ";
    json long_answer = completion_at_end("policy p extends standard\n\n" + long_line);
    REQUIRE(long_answer.contains("result"));
    CHECK(labels(long_answer).count("needle_emg_complete_with_ncs"));
    CHECK_FALSE(labels(long_answer).count("ptp_indicator_0")); // an edit: not after `rule`
    // A comment of 100,000 characters above a `let`: still read, and nothing crashes.
    json after_comment =
        completion_at_end("policy p extends standard\nrule r\n  # " + std::string(100000, 'b') +
                          "\n  let ls = case.extremities\n  when any l in ls: l.");
    CHECK(labels(after_comment).count("muscles"));

    for (std::string end : {"\n", "\r\n", "\r"}) {
        CAPTURE(end);
        std::string text = "policy p extends standard" + end + end + "rule r \"y\"" + end +
                           "  let ls = case.extremities" + end + "  when any l in ls: l.";
        CHECK(labels(completion_at_end(text)).count("muscles"));
        std::set<std::string> case_fields = labels(
            completion_at_end("policy p extends standard" + end + "rule r" + end + "  when case."));
        CHECK(case_fields.count("provider_role"));
        CHECK_FALSE(case_fields.count("APB"));
    }
    std::set<std::string> with_mark =
        labels(completion_at_end("\xEF\xBB\xBFpolicy p extends standard\nrule r\n  when case."));
    CHECK(with_mark.count("provider_role"));

    // Found by a probe of the server: names were offered in a description, a message, a number
    // and the header. A string where a value goes still gets the muscles.
    const std::string head = "policy p extends standard\n";
    for (const std::string& prose :
         {head + "rule r \"Needle", head + "rule r\n  when true\n  warn \"look at",
          head + "rule r\n  when case.larynx otherwise \"no lar", head + "min_limbs 4",
          std::string("policy "), std::string("policy p extends standard \"Ac")}) {
        CAPTURE(prose);
        CHECK(labels(completion_at_end(prose)).empty());
    }
    for (std::string header : {"policy p ", "policy p ext"})
        CHECK(labels(completion_at_end(header)) == std::set<std::string>{"extends"});
    // A header of 100,000 characters: read by a scan (a pattern over it crashed the server).
    CHECK(labels(completion_at_end("policy " + std::string(100000, 'a') + " ")) ==
          std::set<std::string>{"extends"});
    for (const std::string& value : {head + "rule r\n  when \"AP", head + "def x = [\"AP",
                                     head + "def y(m) = m.name == \"AP"}) {
        CAPTURE(value);
        CHECK(labels(completion_at_end(value)).count("APB"));
    }

    server.notify("textDocument/didOpen", {{"textDocument",
                                            {{"uri", uri},
                                             {"languageId", "cpl"},
                                             {"version", 1},
                                             {"text", "policy p extends standard\n"}}}});
    for (json wrong : {json(-1), json(4294967298ull), json(2.9), json("1")}) {
        json position = at(uri, 0, 0);
        position["position"]["line"] = wrong;
        json answer = server.request("textDocument/hover", position);
        CAPTURE(wrong, answer);
        REQUIRE(answer.contains("error"));
        CHECK(answer["error"]["code"] == -32602);
    }
}

// Found by a probe of the server: a file nothing included kept its "needs a header" error
// after a policy beside it came to include it (its analysis had read only itself); and a data
// file's errors caused by a `rows from` line were shown on the root only, not in the file
// whose line it is.
TEST_CASE("lsp: a file comes to be included, a data file's errors in the file reading it") {
    fs::path dir = scratch("included_later");
    LspClient server(dir.string());
    initialize(server, dir);
    std::ofstream(dir / "main.cpl") << "policy main extends standard\n";
    std::ofstream(dir / "extra.cpl") << "max_limb_units_with_ncs 3\n";
    std::string extra = uri_of(dir / "extra.cpl");
    json before = open(server, extra, "max_limb_units_with_ncs 3\n")["diagnostics"];
    REQUIRE(before.size() == 1);
    CHECK(before[0]["code"] == "parse.expected_header");
    // The policy beside it, opened and edited to include it: extra.cpl is checked again.
    std::string main = uri_of(dir / "main.cpl");
    open(server, main, "policy main extends standard\n");
    server.notify(
        "textDocument/didChange",
        {{"textDocument", {{"uri", main}, {"version", 2}}},
         {"contentChanges", json::array({{{"text", "policy main extends standard\ninclude "
                                                   "\"extra.cpl\"\n"}}})}});
    CHECK(server.diagnostics_for(main)["diagnostics"].empty());
    // What was published for extra.cpl last, once a request has made the server catch up.
    server.request("textDocument/documentSymbol", {{"textDocument", {{"uri", extra}}}});
    json after;
    for (const json& n : server.notifications)
        if (n.value("method", "") == "textDocument/publishDiagnostics" &&
            n["params"]["uri"] == extra)
            after = n["params"]["diagnostics"];
    INFO(after.dump());
    REQUIRE(after.is_array()); // published again
    CHECK(after.empty());

    // A table of an included file reads a data file with a cell of the wrong type: the error
    // is shown in that file, at its `rows from`.
    std::ofstream(dir / "limits.csv") << "code,limit\n95860,one\n";
    std::string rows = "table limits \"Limits\" cite \"c\"\n"
                       "  rows from \"limits.csv\" code: code => limit: number\nend\n";
    std::ofstream(dir / "rows.cpl") << rows;
    server.notify("textDocument/didChange",
                  {{"textDocument", {{"uri", main}, {"version", 3}}},
                   {"contentChanges", json::array({{{"text", "policy main extends standard\n"
                                                             "include \"extra.cpl\"\n"
                                                             "include \"rows.cpl\"\n"}}})}});
    json in_rows = open(server, uri_of(dir / "rows.cpl"), rows)["diagnostics"];
    INFO(in_rows.dump());
    REQUIRE(in_rows.size() == 1);
    CHECK(in_rows[0]["code"] == "data.bad_value");
    CHECK(in_rows[0]["range"]["start"]["line"] == 1);
    CHECK(server.request("shutdown", nullptr).contains("result"));
    server.notify("exit", nullptr);
    CHECK(server.wait() == 0);
}

// Found by a probe of the server: an unsaved buffer's locations named a `file:` URI of a file
// that does not exist, and two such buffers could share one path; a misspelt keyword's
// did-you-mean had no quick fix (the parser reports it after the word).
// Found by a probe of the server: `include` saw an open fragment never saved, `extends` did not
// (load.unknown_base on the payer, no hover or definition on the base).
TEST_CASE("lsp: `extends \"base.cpl\"` finds the base open in the editor, never saved") {
    fs::path dir = scratch("unsaved_base");
    fs::create_directories(dir);
    LspClient server(dir.string());
    initialize(server, dir);
    std::string base = uri_of(dir / "base.cpl"), payer = uri_of(dir / "payer.cpl");
    REQUIRE_FALSE(fs::exists(dir / "base.cpl"));
    open(server, base,
         "policy base extends standard \"Unsaved base\"\nsetting limit 3 \"L\" cite \"c\"\n");
    json diagnostics =
        open(server, payer, "policy payer extends \"base.cpl\" \"P\"\nlimit 4\n")["diagnostics"];
    CAPTURE(diagnostics.dump());
    CHECK(diagnostics.empty());
    json setting = server.request("textDocument/definition", at(payer, 1, 1));
    CHECK(setting["result"]["uri"] == base);
    json header = server.request("textDocument/definition", at(payer, 0, 24));
    CHECK(header["result"]["uri"] == base);
    json hover = server.request("textDocument/hover", at(payer, 0, 24));
    CHECK(hover["result"]["contents"]["value"].get<std::string>().find("Unsaved base") !=
          std::string::npos);

    // A base that does not load is still named as the base, not as an include.
    std::string broken = uri_of(dir / "broken.cpl"), child = uri_of(dir / "child.cpl");
    open(server, broken, "policy broken extends standard \"B\"\nrul x\n");
    open(server, child, "policy child extends \"broken.cpl\" \"C\"\n");
    json broken_hover = server.request("textDocument/hover", at(child, 0, 24));
    std::string text = broken_hover["result"]["contents"]["value"];
    CAPTURE(text);
    CHECK(text.find("extends \"broken.cpl\"") != std::string::npos);
    CHECK(text.find("include") == std::string::npos);
}

TEST_CASE("lsp: unsaved buffers keep their own URIs, a misspelt keyword has a quick fix") {
    LspClient server(cpl::test::source_root.string());
    initialize(server, cpl::test::source_root);
    std::string one = "untitled:Untitled-1", other = "untitled:Untitled_1";
    std::string text = "policy p extends standard\nsetting most 3 \"Most\" cite \"c\"\n"
                       "def x = most + mots\n";
    json first = errors_in(open(server, one, text)["diagnostics"]);
    REQUIRE(first.size() == 1);
    CHECK(first[0]["code"] == "check.unknown_name");
    for (const json& related : first[0]["relatedInformation"])
        CHECK(related["location"]["uri"] == one);
    json definition = server.request("textDocument/definition", at(one, 2, 9));
    CHECK(definition["result"]["uri"] == one);
    CHECK(definition["result"]["range"]["start"]["line"] == 1);
    // Another buffer whose name differs only in a character that is no letter: its own.
    CHECK(open(server, other, "policy q extends standard\n")["diagnostics"].empty());
    server.request("textDocument/hover", at(one, 0, 0)); // the server has caught up
    json latest;
    for (const json& n : server.notifications)
        if (n.value("method", "") == "textDocument/publishDiagnostics" && n["params"]["uri"] == one)
            latest = n["params"]["diagnostics"];
    CHECK((latest.is_null() || errors_in(latest).size() == 1)); // not re-checked as the other

    std::string misspelt = "untitled:misspelt";
    json parse_error = open(server, misspelt,
                            "policy p extends standard\n\nrul r \"x\" when true bill 95860 "
                            "cite \"c\"\n")["diagnostics"];
    REQUIRE_FALSE(parse_error.empty());
    json actions =
        server.request("textDocument/codeAction", {{"textDocument", {{"uri", misspelt}}},
                                                   {"range", parse_error[0]["range"]},
                                                   {"context", {{"diagnostics", parse_error}}}});
    INFO(actions.dump());
    REQUIRE(actions["result"].size() == 1);
    json edit = actions["result"][0]["edit"]["changes"][misspelt][0];
    CHECK(edit["newText"] == "rule");
    CHECK(edit["range"]["start"] == json{{"line", 2}, {"character", 0}});
    CHECK(edit["range"]["end"] == json{{"line", 2}, {"character", 3}});
}

// While a later line is being typed the document does not parse, and the names came from the
// context alone: the document as saved (a name declared since was missing) or, for a file
// never saved, nothing of the document at all. What parsed of it now gives its own names.
TEST_CASE("lsp: completion mid-edit offers the names the document declares, saved or not") {
    fs::path dir = scratch("own_names");
    LspClient server(cpl::test::source_root.string());
    initialize(server, dir);
    fs::path saved = dir / "saved.cpl";
    std::ofstream(saved) << "policy saved \"P\"\nsetting lim 3 \"d\" cite \"c\"\n";
    std::string uri = uri_of(saved);
    open(server, uri,
         "policy saved \"P\"\nsetting lim 3 \"d\" cite \"c\"\n"
         "setting newlim 4 \"d\" cite \"c\"\ndef newdef = 2\ndef q = \n");
    std::set<std::string> names = labels(server.request("textDocument/completion", at(uri, 4, 8)));
    CHECK(names.count("lim"));
    CHECK(names.count("newlim"));
    CHECK(names.count("newdef"));
    // The saved document's declarations are not offered twice.
    json items = server.request("textDocument/completion", at(uri, 4, 8))["result"]["items"];
    CHECK(std::count_if(items.begin(), items.end(),
                        [](const json& i) { return i["label"] == "lim"; }) == 1);

    std::string unsaved = uri_of(dir / "never_saved.cpl");
    open(server, unsaved,
         "policy never_saved \"P\"\nsetting lim 3 \"d\" cite \"c\"\n"
         "def helper(x: extremity) = count(x.muscles)\ndef q = \n");
    names = labels(server.request("textDocument/completion", at(unsaved, 3, 8)));
    CHECK(names.count("lim"));
    CHECK(names.count("helper"));
    // After `override rule`: the rules the document declares too.
    server.notify("textDocument/didChange",
                  {{"textDocument", {{"uri", unsaved}, {"version", 2}}},
                   {"contentChanges",
                    {{{"text", "policy never_saved \"P\"\nrule mine \"m\" when true bill 95860 "
                               "cite \"c\"\noverride rule "}}}}});
    CHECK(labels(server.request("textDocument/completion", at(unsaved, 2, 14))).count("mine"));
}

// Found by a hunt of the authoring tools: in a document that begins with a byte order mark, as
// the client sent it, every range and position on its first line was a column early
// (diagnostics, symbols, references, hover), where completion counted the mark.
TEST_CASE("lsp: the first line of a document with a byte order mark is counted as the client "
          "has it") {
    fs::path dir = scratch("bom_positions");
    LspClient server(dir.string());
    initialize(server, dir);
    std::string uri = uri_of(dir / "bom.cpl");
    // In the client's text (UTF-16): the reference `a` at 31, `bogus` at 35.
    json diagnostics =
        open(server, uri, "\xEF\xBB\xBFpolicy bom1 def a = 1 def b = a + bogus\n")["diagnostics"];
    INFO(diagnostics.dump());
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0]["range"]["start"]["character"] == 35);
    CHECK(diagnostics[0]["range"]["end"]["character"] == 40);
    json hover = server.request("textDocument/hover", at(uri, 0, 31));
    INFO(hover.dump());
    CHECK(hover["result"]["range"]["start"]["character"] == 31);
    CHECK(server.request("textDocument/hover", at(uri, 0, 30))["result"].is_null());
}

// Found by a hunt of the authoring tools: a setting restated with dates listed its versions in
// force (`4` from 2020) as "Earlier values", which reads as replaced.
TEST_CASE("lsp: hover on a setting restated with dates lists no version in force as earlier") {
    LspClient server(cpl::test::source_root.string());
    initialize(server, cpl::test::source_root);
    std::string uri = uri_of(cpl::test::source_root / "policies" / "unsaved_hover_dated.cpl");
    open(server, uri,
         "policy hover_dated extends standard \"Y\"\n"
         "min_muscles_per_limb 4 from \"2020-01-01\" cite \"new\"\n"
         "min_muscles_per_limb 6 until \"2020-01-01\" cite \"old\"\n");
    json hover = server.request("textDocument/hover", at(uri, 1, 3));
    std::string text = hover["result"]["contents"]["value"];
    INFO(text);
    CHECK(text.find("- `4` from \"2020-01-01\", set by `hover_dated`") != std::string::npos);
    CHECK(text.find("Earlier values") == std::string::npos);
}
