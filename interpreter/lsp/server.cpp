// interpreter/lsp/server.cpp — the message loop: lifecycle (initialize, shutdown, exit),
// JSON-RPC errors, open documents, and a table routing each method to its feature.
//
// Analysis waits while more input is already buffered: a burst of edits is checked once,
// after its last change. Requests always see the latest text (pending work is done first).
#include "interpreter/lsp/server.hpp"

#include "interpreter/lsp/features.hpp"
#include "interpreter/lsp/jsonrpc.hpp"
#include "lang/diagnostic.hpp"
#include "lang/json_nesting.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <set>

namespace cpl::lsp {

namespace {

/// A request that fails: becomes an error response with this code.
struct RpcError {
    int code;
    std::string message;
};

class Server {
public:
    Server(Writer& out, std::string version)
        : out_(out), version_(std::move(version)), uris_(FileUris::default_cache_root()) {}

    void handle(const Frame& frame);
    /// Analyses the documents changed since the last call and publishes their diagnostics
    /// (and those of open documents that read them).
    void flush();
    bool done() const { return exited_; }
    int status() const { return exited_ && shutdown_ ? 0 : 1; }

private:
    using Handler = json (Server::*)(const json& params);
    struct Method {
        std::string_view name;
        bool request; // answered; a notification is not
        Handler handler;
    };
    static const std::vector<Method>& methods();

    void dispatch(const json& message);
    void respond(const json& id, json result);
    void fail(const json& id, int code, std::string message);

    Document& document(const json& params);
    const Analysis& analysis(Document& document);
    void publish(Document& document);

    // Lifecycle.
    json initialize(const json& params);
    json initialized(const json&);
    json shutdown(const json&) {
        shutdown_ = true;
        return nullptr;
    }
    json exit(const json&) {
        exited_ = true;
        return nullptr;
    }
    // Documents.
    json did_open(const json& params);
    json did_change(const json& params);
    json did_close(const json& params);
    json did_save(const json&) { return nullptr; }
    json did_change_watched_files(const json& params);
    // Features (features.hpp).
    json on_hover(const json& p) { return hover(analysis(document(p)), p.at("position")); }
    json on_definition(const json& p) {
        return definition(analysis(document(p)), p.at("position"), uris_);
    }
    json on_references(const json& p) {
        bool declaration = p.contains("context") && p["context"].value("includeDeclaration", false);
        return references(analysis(document(p)), p.at("position"), declaration, uris_);
    }
    json on_completion(const json& p) {
        Document& d = document(p);
        return completion(analysis(d), d, p.at("position"));
    }
    json on_symbols(const json& p) { return document_symbols(analysis(document(p))); }
    json on_formatting(const json& p) { return formatting(document(p), encoding_); }
    json on_code_action(const json& p) {
        Document& d = document(p);
        return code_actions(analysis(d), p, uris_, d.uri);
    }

    Writer& out_;
    std::string version_;
    FileUris uris_;
    DocumentStore documents_;
    Encoding encoding_ = Encoding::utf16;
    bool initialized_ = false, shutdown_ = false, exited_ = false;
    bool can_watch_files_ = false;  // the client registers file watchers when asked
    std::set<std::string> pending_; // URIs changed and not yet analysed
    std::set<std::string> changed_; // source keys whose text changed since the last flush
    std::set<std::string> closed_;  // URIs closed since the last flush: diagnostics cleared
};

const std::vector<Server::Method>& Server::methods() {
    static const std::vector<Method> table = {
        {"initialize", true, &Server::initialize},
        {"initialized", false, &Server::initialized},
        {"shutdown", true, &Server::shutdown},
        {"exit", false, &Server::exit},
        {"textDocument/didOpen", false, &Server::did_open},
        {"textDocument/didChange", false, &Server::did_change},
        {"textDocument/didClose", false, &Server::did_close},
        {"textDocument/didSave", false, &Server::did_save},
        {"workspace/didChangeWatchedFiles", false, &Server::did_change_watched_files},
        {"textDocument/hover", true, &Server::on_hover},
        {"textDocument/definition", true, &Server::on_definition},
        {"textDocument/references", true, &Server::on_references},
        {"textDocument/completion", true, &Server::on_completion},
        {"textDocument/documentSymbol", true, &Server::on_symbols},
        {"textDocument/formatting", true, &Server::on_formatting},
        {"textDocument/codeAction", true, &Server::on_code_action},
    };
    return table;
}

void Server::respond(const json& id, json result) {
    out_.send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::fail(const json& id, int code, std::string message) {
    out_.send({{"jsonrpc", "2.0"},
               {"id", id},
               {"error", {{"code", code}, {"message", std::move(message)}}}});
}

void Server::handle(const Frame& frame) {
    if (!frame.error.empty()) return fail(nullptr, error_code::parse_error, frame.error);
    if (json_nesting(frame.body) > max_json_nesting) {
        // Refused, but answered to its id when it has one: read with everything below the
        // top level dropped (the parser keeps a stack of its own; the nesting is never built).
        json top = json::parse(
            frame.body, [](int depth, json::parse_event_t, json&) { return depth <= 1; }, false);
        json id = top.is_object() && top.contains("id") &&
                          (top["id"].is_number_integer() || top["id"].is_string())
                      ? top["id"]
                      : json(nullptr);
        return fail(id, id.is_null() ? error_code::parse_error : error_code::invalid_request,
                    fmt::format("the message nests more than {} levels deep", max_json_nesting));
    }
    json message = json::parse(frame.body, nullptr, false);
    if (message.is_discarded())
        return fail(nullptr, error_code::parse_error, "the message is not valid JSON");
    dispatch(message);
}

void Server::dispatch(const json& message) {
    if (!message.is_object())
        return fail(nullptr, error_code::invalid_request,
                    message.is_array() ? "batches are not part of LSP: send one message at a time"
                                       : "a message must be a JSON object");
    bool has_id = message.contains("id");
    json id = has_id ? message["id"] : json(nullptr);
    // Every answer, even an error, comes after the diagnostics of the edits before it.
    if (has_id) flush();
    if (has_id && !id.is_number_integer() && !id.is_string())
        return fail(nullptr, error_code::invalid_request, "`id` must be a number or a string");
    if (message.value("jsonrpc", "") != "2.0")
        return fail(id, error_code::invalid_request, "`jsonrpc` must be \"2.0\"");
    if (!message.contains("method")) {
        // A response to a request of ours (the file watchers' registration): an error is
        // said on stderr, where the editor shows the server's log.
        if (has_id && message.contains("error")) {
            fmt::print(stderr, "cpl lsp: the client refused request {}: {}\n", id.dump(),
                       message["error"].dump());
            return;
        }
        if (has_id && message.contains("result")) return;
        return fail(id, error_code::invalid_request, "a message needs a `method`");
    }
    if (!message["method"].is_string())
        return fail(id, error_code::invalid_request, "`method` must be a string");
    std::string method = message["method"];
    // `params: null` is read as no parameters: some clients send it with `shutdown` and `exit`.
    const json params = message.contains("params") && !message["params"].is_null()
                            ? message["params"]
                            : json::object();
    // Before `initialize`, every request is answered -32002, a method the server does not
    // know too (LSP: "the server should respond with code -32002").
    if (!initialized_ && method != "initialize" && method != "exit") {
        if (has_id)
            fail(id, error_code::server_not_initialized, "the server has not been initialized");
        return;
    }
    const Method* row = nullptr;
    for (const auto& m : methods())
        if (m.name == method) row = &m;
    if (!row) {
        // Unknown notifications (`$/…` and others) are ignored, as LSP allows.
        if (has_id) fail(id, error_code::method_not_found, fmt::format("no method `{}`", method));
        return;
    }
    if (shutdown_ && method != "exit") {
        if (has_id) fail(id, error_code::invalid_request, "the server is shutting down");
        return;
    }
    if (!params.is_object() && !params.is_array()) {
        if (has_id) fail(id, error_code::invalid_params, "`params` must be an object or an array");
        return;
    }
    try {
        json result = (this->*(row->handler))(params);
        if (has_id) respond(id, std::move(result));
    } catch (const RpcError& e) {
        if (has_id)
            fail(id, e.code, e.message);
        else
            fmt::print(stderr, "cpl lsp: {}: {}\n", method, e.message);
    } catch (const json::exception& e) {
        // A missing or mistyped field of the parameters: the library's message names it.
        std::string why = without_exception_name(e.what());
        if (has_id)
            fail(id, error_code::invalid_params, fmt::format("invalid params: {}", why));
        else
            fmt::print(stderr, "cpl lsp: {}: invalid params: {}\n", method, why);
    } catch (const std::exception& e) {
        if (has_id)
            fail(id, error_code::internal_error, e.what());
        else
            fmt::print(stderr, "cpl lsp: {}: {}\n", method, e.what());
    }
}

json Server::initialize(const json& params) {
    if (initialized_)
        throw RpcError{error_code::invalid_request, "the server is already initialized"};
    initialized_ = true;
    // UTF-8 columns when the client offers them (no conversion); else LSP's default, UTF-16.
    if (params.contains("capabilities") && params["capabilities"].contains("general"))
        for (const auto& e :
             params["capabilities"]["general"].value("positionEncodings", json::array()))
            if (e == "utf-8") encoding_ = Encoding::utf8;
    // A capability of another type than the protocol's is read as absent.
    static const auto watch =
        "/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration"_json_pointer;
    can_watch_files_ =
        params.contains(watch) && params[watch].is_boolean() && params[watch].get<bool>();
    // Policies are found from the working directory, as `cpl check` run at the workspace's
    // root finds them (`extends NAME` → policies/NAME.cpl, stdlib/ on disk).
    std::string root;
    if (params.contains("rootUri") && params["rootUri"].is_string())
        root = uri_path(params["rootUri"].get<std::string>());
    else if (params.contains("rootPath") && params["rootPath"].is_string())
        root = params["rootPath"];
    // LSP 3.17 deprecates both for `workspaceFolders`: a client that sends only these is served
    // from its first folder.
    else if (params.contains("workspaceFolders") && params["workspaceFolders"].is_array() &&
             !params["workspaceFolders"].empty() && params["workspaceFolders"][0].is_object() &&
             params["workspaceFolders"][0].contains("uri") &&
             params["workspaceFolders"][0]["uri"].is_string())
        root = uri_path(params["workspaceFolders"][0]["uri"].get<std::string>());
    std::error_code ec;
    if (!root.empty() && std::filesystem::is_directory(root, ec))
        std::filesystem::current_path(root, ec);
    return {
        {"capabilities",
         {{"positionEncoding", encoding_ == Encoding::utf8 ? "utf-8" : "utf-16"},
          {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", false}}},
          {"hoverProvider", true},
          {"definitionProvider", true},
          {"referencesProvider", true},
          {"completionProvider", {{"triggerCharacters", {".", "\""}}, {"resolveProvider", false}}},
          {"documentSymbolProvider", true},
          {"documentFormattingProvider", true},
          {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}}}},
        {"serverInfo", {{"name", "cpl"}, {"version", version_}}}};
}

// A base policy or a data file changed on disk (another editor, `git checkout`, a payer's
// base edited elsewhere): the client is asked to say so, and the open documents that read it
// are checked again (flush).
json Server::initialized(const json&) {
    if (!can_watch_files_) return nullptr;
    json watchers = json::array();
    for (const char* pattern : {"**/*.cpl", "**/*.csv", "**/*.tsv"})
        watchers.push_back({{"globPattern", pattern}});
    out_.send({{"jsonrpc", "2.0"},
               {"id", "cpl/watch-policy-files"},
               {"method", "client/registerCapability"},
               {"params",
                {{"registrations",
                  {{{"id", "cpl/watch-policy-files"},
                    {"method", "workspace/didChangeWatchedFiles"},
                    {"registerOptions", {{"watchers", watchers}}}}}}}}});
    return nullptr;
}

json Server::did_change_watched_files(const json& params) {
    constexpr int created = 1, deleted = 3;
    bool any = false, everyone = false;
    for (const auto& change : params.at("changes")) {
        std::string path = uri_path(change.at("uri").get<std::string>());
        if (path.empty()) continue;
        changed_.insert(source_key(path)); // flush() checks again the documents that read it
        any = true;
        int type = change.value("type", 0);
        everyone = everyone || type == created || type == deleted;
    }
    if (!any) return nullptr;
    // A file that appeared or went may be one a policy looked for and did not find (a base or
    // a data file named before it existed), which no analysis read: every open document is
    // checked again. Some watchers say "changed" of a new file: then those whose load failed
    // are. Decided once for all the changes: a notification of many changes (a checkout) had
    // gone over every document and its diagnostics once a change.
    auto load_failed = [](const Analysis& a) {
        const auto& items = a.diagnostics.items();
        return std::any_of(items.begin(), items.end(),
                           [](const Diagnostic& x) { return x.code.starts_with("load."); });
    };
    for (auto& [uri, d] : documents_.all())
        if (everyone || !d.analysis || load_failed(*d.analysis)) pending_.insert(uri);
    return nullptr;
}

Document& Server::document(const json& params) {
    std::string uri = params.at("textDocument").at("uri").get<std::string>();
    Document* d = documents_.find(uri);
    if (!d) throw RpcError{error_code::invalid_params, fmt::format("`{}` is not open", uri)};
    return *d;
}

const Analysis& Server::analysis(Document& d) {
    if (!d.analysis) d.analysis = analyze(d, documents_, encoding_);
    return *d.analysis;
}

void Server::publish(Document& d) {
    out_.send({{"jsonrpc", "2.0"},
               {"method", "textDocument/publishDiagnostics"},
               {"params",
                {{"uri", d.uri},
                 {"version", d.version},
                 {"diagnostics", diagnostics(analysis(d), uris_)}}}});
}

json Server::did_open(const json& params) {
    const json& item = params.at("textDocument");
    Document& d = documents_.open(item.at("uri").get<std::string>(), item.value("version", 0),
                                  item.at("text").get<std::string>());
    if (uri_path(d.uri).empty()) uris_.name(d.path, d.uri);
    pending_.insert(d.uri);
    changed_.insert(d.key);
    return nullptr;
}

json Server::did_change(const json& params) {
    Document& d = document(params);
    documents_.change(d, params.at("textDocument").value("version", d.version + 1),
                      params.at("contentChanges"), encoding_);
    pending_.insert(d.uri);
    changed_.insert(d.key);
    return nullptr;
}

json Server::did_close(const json& params) {
    Document& d = document(params);
    changed_.insert(d.key);
    pending_.erase(d.uri);
    closed_.insert(d.uri);
    documents_.close(d.uri);
    return nullptr;
}

void Server::flush() {
    for (const auto& uri : closed_)
        out_.send({{"jsonrpc", "2.0"},
                   {"method", "textDocument/publishDiagnostics"},
                   {"params", {{"uri", uri}, {"diagnostics", json::array()}}}});
    closed_.clear();
    if (changed_.empty()) return;
    // An open document that read a changed file is checked again: a payer whose base changed.
    for (auto& [uri, d] : documents_.all()) {
        if (pending_.count(uri) || !d.analysis) continue;
        for (const auto& key : changed_)
            if (d.analysis->read.count(key)) {
                pending_.insert(uri);
                break;
            }
    }
    changed_.clear();
    std::set<std::string> pending;
    pending.swap(pending_);
    for (const auto& uri : pending)
        if (Document* d = documents_.find(uri)) {
            d->analysis.reset();
            // Nothing a policy holds may stop the server: an analysis that fails is logged,
            // and the next change tries again.
            try {
                publish(*d);
            } catch (const std::exception& e) {
                fmt::print(stderr, "cpl lsp: {}: {}\n", uri, e.what());
            }
        }
}

} // namespace

int serve(int in, int out, const std::string& version) {
    Reader reader(in);
    Writer writer(out);
    Server server(writer, version);
    while (!server.done()) {
        auto frame = reader.next();
        if (!frame) break;
        server.handle(*frame);
        if (!reader.frame_ready()) server.flush();
    }
    return server.status();
}

} // namespace cpl::lsp
