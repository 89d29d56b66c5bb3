// interpreter/engine/snapshot.cpp — Program → bytes → Program (see snapshot.hpp). Every
// field of the program is written in declaration order; values by content, tables by their
// index in the program, built-ins by name, types by structure. The muscle index and the
// tables' hash indexes are rebuilt from what they index.
#include "interpreter/engine/snapshot.hpp"

#include "interpreter/case/case_tables.hpp"
#include "lang/files.hpp"
#include "stdlib/embedded.hpp"

#include <cstring>
#include <stdexcept>

namespace cpl {

// A field added to one of these must be written and read below: these fail to compile until
// the sizes are updated, as a reminder (sizes of x86-64 with libstdc++, the build's platform).
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(Program) == 864, "Program changed: update snapshot.cpp");
static_assert(sizeof(RequirementCode) == 112, "RequirementCode changed: update snapshot.cpp");
static_assert(sizeof(RuleCode) == 504, "RuleCode changed: update snapshot.cpp");
static_assert(sizeof(ClauseCode) == 504, "ClauseCode changed: update snapshot.cpp");
static_assert(sizeof(DefCode) == 216, "DefCode changed: update snapshot.cpp");
static_assert(sizeof(Node) == 104, "Node changed: update snapshot.cpp");
static_assert(sizeof(SettingCode) == 264, "SettingCode changed: update snapshot.cpp");
static_assert(sizeof(SettingVersionCode) == 144, "SettingVersionCode changed: update snapshot.cpp");
static_assert(sizeof(SourceCode) == 216, "SourceCode changed: update snapshot.cpp");
// (TableData::later_versions is not written: index() finds it again when the table is read.)
static_assert(sizeof(TableData) == 392, "TableData changed: update snapshot.cpp");
static_assert(sizeof(TableRowData) == 192, "TableRowData changed: update snapshot.cpp");
static_assert(sizeof(Type) == 72, "Type changed: update snapshot.cpp");
static_assert(sizeof(Shape) == 56, "Shape changed: update snapshot.cpp");
#endif

namespace {

constexpr std::string_view magic = "cpl-program-snapshot-4\n";

class Writer {
public:
    explicit Writer(const Program& p) : p_(p) {}

    std::string program() {
        out_ = magic;
        u32(static_cast<std::uint32_t>(p_.sources->size()));
        for (std::size_t i = 0; i < p_.sources->size(); ++i) {
            const std::string& path = p_.sources->get(static_cast<FileId>(i)).path();
            auto embedded = embedded_policy_file(path);
            // The reader takes the texts from the binary: they must be what was checked.
            if (!embedded || SourceFile(path, std::string(*embedded)).text() !=
                                 p_.sources->get(static_cast<FileId>(i)).text())
                throw std::runtime_error("the program was built from `" + path +
                                         "` as it is not embedded");
            str(path);
        }
        str(p_.name);
        str(p_.title);
        strs(p_.layers);
        str(p_.base);
        u32(static_cast<std::uint32_t>(p_.shapes.size()));
        for (const Shape& s : p_.shapes) {
            str(s.name);
            strs(s.fields);
        }
        u32(static_cast<std::uint32_t>(p_.shape_types.size()));
        for (const auto& types : p_.shape_types) {
            u32(static_cast<std::uint32_t>(types.size()));
            for (const TypeP& t : types)
                type(t);
        }
        u32(static_cast<std::uint32_t>(p_.tables.size()));
        for (const auto& t : p_.tables)
            table(*t);
        u32(static_cast<std::uint32_t>(p_.settings.size()));
        for (const SettingCode& s : p_.settings)
            setting(s);
        u32(static_cast<std::uint32_t>(p_.defs.size()));
        for (const DefCode& d : p_.defs)
            def(d);
        rules(p_.rules);
        rules(p_.edits);
        u32(static_cast<std::uint32_t>(p_.bibliography.size()));
        for (const SourceCode& s : p_.bibliography) {
            str(s.key);
            str(s.title);
            str(s.publisher);
            str(s.date);
            str(s.link);
            flag(s.verified);
            str(s.layer);
            span(s.span);
        }
        u32(static_cast<std::uint32_t>(p_.requirements.size()));
        for (const RequirementCode& r : p_.requirements) {
            str(r.condition);
            str(r.reason);
            str(r.layer);
            span(r.span);
        }
        u32(static_cast<std::uint32_t>(p_.disabled.size()));
        for (const Program::Disabled& d : p_.disabled) {
            u32(static_cast<std::uint32_t>(d.kind));
            str(d.name);
            str(d.layer);
            str(d.reason);
            u32(static_cast<std::uint32_t>(d.codes.size()));
            for (const auto& code : d.codes)
                str(code);
        }
        u32(p_.max_frame);
        u32(static_cast<std::uint32_t>(p_.folded_settings.size()));
        for (const auto& [key, settings] : p_.folded_settings) {
            for (std::uint32_t k : key)
                u32(k);
            u32(static_cast<std::uint32_t>(settings.size()));
            for (std::uint32_t slot : settings)
                u32(slot);
        }
        u32(static_cast<std::uint32_t>(p_.row_settings.size()));
        for (const auto& [row, settings] : p_.row_settings) {
            str(row.first);
            u32(row.second);
            u32(static_cast<std::uint32_t>(settings.size()));
            for (std::uint32_t slot : settings)
                u32(slot);
        }
        flag(p_.muscles.has_value());
        flag(p_.dated);
        effective(p_.service_dates);
        str(p_.service_dates_from_layer);
        str(p_.service_dates_until_layer);
        return std::move(out_);
    }

private:
    void raw(const void* data, std::size_t n) { out_.append(static_cast<const char*>(data), n); }
    void u8(std::uint8_t v) { raw(&v, 1); }
    void flag(bool v) { u8(v ? 1 : 0); }
    void u32(std::uint32_t v) { raw(&v, sizeof v); }
    void i64(std::int64_t v) { raw(&v, sizeof v); }
    void str(std::string_view s) {
        u32(static_cast<std::uint32_t>(s.size()));
        raw(s.data(), s.size());
    }
    void strs(const std::vector<std::string>& v) {
        u32(static_cast<std::uint32_t>(v.size()));
        for (const auto& s : v)
            str(s);
    }
    void span(const Span& s) {
        u32(s.file);
        u32(s.begin);
        u32(s.end);
    }
    void effective(const Effective& e) {
        str(e.from);
        str(e.until);
    }

    void type(const TypeP& t) {
        flag(t != nullptr);
        if (!t) return;
        u8(static_cast<std::uint8_t>(t->kind));
        type(t->element);
        u32(t->shape);
        type(t->key);
        u32(static_cast<std::uint32_t>(t->fields.size()));
        for (const TypeP& field : t->fields)
            type(field);
    }

    void value(const Value& v) {
        u8(static_cast<std::uint8_t>(v.kind));
        switch (v.kind) {
        case Kind::Number:
            i64(v.number);
            break;
        case Kind::Bool:
            flag(v.boolean);
            break;
        case Kind::String:
            str(v.str());
            break;
        case Kind::List:
            u32(v.size);
            for (const Value& item : v.list())
                value(item);
            break;
        case Kind::Record: {
            if (v.size >= p_.shapes.size()) throw std::runtime_error("a record of no shape");
            u32(v.size);
            for (std::size_t i = 0; i < p_.shapes[v.size].fields.size(); ++i)
                value(v.items[i]);
            break;
        }
        case Kind::Table: {
            std::uint32_t at = 0;
            while (at < p_.tables.size() && p_.tables[at].get() != v.table)
                ++at;
            if (at == p_.tables.size()) throw std::runtime_error("a table not in the program");
            u32(at);
            break;
        }
        }
    }

    void table(const TableData& t) {
        str(t.name);
        str(t.doc);
        str(t.cite);
        str(t.source);
        u32(static_cast<std::uint32_t>(t.rows.size()));
        for (const TableRowData& r : t.rows) {
            u32(static_cast<std::uint32_t>(r.keys.size()));
            for (const Value& k : r.keys)
                value(k);
            flag(r.is_range);
            flag(r.string_range);
            i64(r.low);
            i64(r.high);
            value(r.value);
            str(r.cite);
            str(r.layer);
            str(r.from);
            str(r.until);
        }
        flag(t.dated);
        str(t.fixed_by);
        str(t.described_by);
    }

    // Not its `run`: the reader links the program it reads.
    void node(const Node& n) {
        u8(static_cast<std::uint8_t>(n.op));
        u32(n.slot);
        value(n.constant);
        u32(static_cast<std::uint32_t>(n.kids.size()));
        for (const Node& kid : n.kids)
            node(kid);
        strs(n.text);
        str(n.builtin ? n.builtin->name : std::string_view());
        if (n.builtin && find_builtin(n.builtin->name) != n.builtin)
            throw std::runtime_error("a built-in not found by its name");
        span(n.span);
    }

    void optional_node(const std::optional<Node>& n) {
        flag(n.has_value());
        if (n) node(*n);
    }

    void setting(const SettingCode& s) {
        str(s.name);
        value(s.value);
        u32(static_cast<std::uint32_t>(s.versions.size()));
        for (const SettingVersionCode& v : s.versions) {
            value(v.value);
            effective(v.effective);
            str(v.layer);
            str(v.cite);
        }
        type(s.type);
        str(s.doc);
        str(s.cite);
        str(s.layer);
        flag(s.within.has_value());
        if (s.within) {
            i64(s.within->first);
            i64(s.within->second);
        }
        span(s.span);
        str(s.declared_by);
        flag(s.fixed);
    }

    void def(const DefCode& d) {
        str(d.name);
        str(d.doc);
        flag(d.is_function);
        u32(d.param_count);
        u32(d.frame_size);
        node(d.body);
        type(d.type);
        span(d.span);
    }

    void rules(const std::vector<RuleCode>& list) {
        u32(static_cast<std::uint32_t>(list.size()));
        for (const RuleCode& r : list)
            rule(r);
    }

    void rule(const RuleCode& r) {
        str(r.name);
        u8(static_cast<std::uint8_t>(r.kind));
        str(r.doc);
        str(r.cite);
        str(r.layer);
        str(r.replaces);
        u32(static_cast<std::uint32_t>(r.clauses.size()));
        for (const ClauseCode& c : r.clauses) {
            u8(static_cast<std::uint8_t>(c.kind));
            u32(c.slot);
            flag(c.over_claim);
            flag(c.first);
            flag(c.invariant);
            node(c.expr);
            optional_node(c.units);
            optional_node(c.modifiers);
            optional_node(c.otherwise);
            span(c.span);
            str(c.source);
            i64(c.narrowing);
        }
        u32(r.frame_size);
        rules(r.exceptions);
        rules(r.element_exceptions);
        i64(static_cast<std::int64_t>(r.action_point));
        str(r.per);
        u32(static_cast<std::uint32_t>(r.narrowings.size()));
        for (const NarrowingCode& n : r.narrowings) {
            str(n.layer);
            str(n.doc);
            str(n.cite);
            effective(n.effective);
            strs(n.written);
            strs(n.sources);
        }
        str(r.placement);
        effective(r.effective);
        strs(r.written);
        strs(r.sources);
        flag(r.fixed);
        span(r.span);
    }

    const Program& p_;
    std::string out_;
};

struct Truncated {};

class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}

    std::unique_ptr<Program> program() {
        if (in_.substr(0, magic.size()) != magic) return nullptr;
        at_ = magic.size();
        auto program = std::make_unique<Program>();
        p_ = program.get();
        Program& p = *program;
        p.sources = std::make_shared<SourceMap>();
        std::uint32_t files = u32();
        for (std::uint32_t i = 0; i < files; ++i) {
            std::string path = str();
            auto embedded = embedded_policy_file(path);
            if (!embedded) return nullptr;
            // As the loader reads it: the file on disk when there is one, else the copy.
            std::string why;
            if (auto disk = read_text_file(path, why); disk && *disk != *embedded) return nullptr;
            p.sources->add(path, SourceFile::Lasting{*embedded});
        }
        p.name = str();
        p.title = str();
        p.layers = strs();
        p.base = str();
        p.shapes.resize(u32());
        for (Shape& s : p.shapes) {
            s.name = str();
            s.fields = strs();
        }
        p.shape_types.resize(u32());
        for (auto& types : p.shape_types) {
            types.resize(u32());
            for (TypeP& t : types)
                t = type();
        }
        std::uint32_t tables = u32();
        for (std::uint32_t i = 0; i < tables; ++i)
            p.tables.push_back(std::make_unique<TableData>());
        for (auto& t : p.tables)
            table(*t);
        p.settings.resize(u32());
        for (SettingCode& s : p.settings)
            setting(s);
        p.defs.resize(u32());
        for (DefCode& d : p.defs)
            def(d);
        rules(p.rules);
        rules(p.edits);
        p.bibliography.resize(u32());
        for (SourceCode& s : p.bibliography) {
            s.key = str();
            s.title = str();
            s.publisher = str();
            s.date = str();
            s.link = str();
            s.verified = flag();
            s.layer = str();
            s.span = span();
        }
        p.requirements.resize(u32());
        for (RequirementCode& r : p.requirements) {
            r.condition = str();
            r.reason = str();
            r.layer = str();
            r.span = span();
        }
        p.disabled.resize(u32());
        for (Program::Disabled& d : p.disabled) {
            d.kind = u32() == 0 ? ast::RuleKind::Rule : ast::RuleKind::Edit;
            d.name = str();
            d.layer = str();
            d.reason = str();
            d.codes.resize(u32());
            for (auto& code : d.codes)
                code = str();
        }
        p.index_disabled();
        p.max_frame = u32();
        for (std::uint32_t n = u32(); n > 0; --n) {
            std::array<std::uint32_t, 3> key{};
            for (std::uint32_t& k : key)
                k = u32();
            std::vector<std::uint32_t>& settings = p.folded_settings[key];
            settings.resize(u32());
            for (std::uint32_t& slot : settings)
                if ((slot = u32()) >= p.settings.size()) return nullptr;
        }
        for (std::uint32_t n = u32(); n > 0; --n) {
            std::string table = str();
            std::uint32_t row = u32();
            std::vector<std::uint32_t>& settings = p.row_settings[{std::move(table), row}];
            settings.resize(u32());
            for (std::uint32_t& slot : settings)
                if ((slot = u32()) >= p.settings.size()) return nullptr;
        }
        bool muscles = flag();
        p.dated = flag();
        p.service_dates = effective();
        p.service_dates_from_layer = str();
        p.service_dates_until_layer = str();
        if (at_ != in_.size()) return nullptr;
        if (muscles) {
            Diagnostics diagnostics;
            CaseTables bound = bind_case_tables(
                [&](std::string_view name) -> std::optional<PolicyTable> {
                    for (const auto& t : p.tables)
                        if (t->name == name) return PolicyTable{t.get(), Span{}};
                    return std::nullopt;
                },
                p.shapes, diagnostics);
            if (!bound.muscles || !diagnostics.empty()) return nullptr;
            p.muscles = std::move(bound.muscles);
        }
        link(p);
        return program;
    }

private:
    const char* take(std::size_t n) {
        if (n > in_.size() - at_) throw Truncated{};
        const char* data = in_.data() + at_;
        at_ += n;
        return data;
    }
    template <typename T> T scalar() {
        T v;
        std::memcpy(&v, take(sizeof v), sizeof v);
        return v;
    }
    std::uint8_t u8() { return scalar<std::uint8_t>(); }
    bool flag() { return u8() != 0; }
    std::uint32_t u32() { return scalar<std::uint32_t>(); }
    std::int64_t i64() { return scalar<std::int64_t>(); }
    std::string_view view() {
        std::uint32_t n = u32();
        return {take(n), n};
    }
    std::string str() { return std::string(view()); }
    std::vector<std::string> strs() {
        std::vector<std::string> out(u32());
        for (auto& s : out)
            s = str();
        return out;
    }
    Span span() {
        Span s;
        s.file = u32();
        s.begin = u32();
        s.end = u32();
        return s;
    }
    Effective effective() {
        Effective e;
        e.from = str();
        e.until = str();
        return e;
    }

    // The plain types are the checker's shared ones; the others are built anew.
    TypeP type() {
        if (!flag()) return nullptr;
        auto kind = static_cast<TypeKind>(u8());
        TypeP element = type();
        std::uint32_t shape = u32();
        TypeP key = type();
        std::uint32_t field_count = u32();
        if (field_count > in_.size() - at_) throw Truncated{}; // each field takes a byte at least
        std::vector<TypeP> fields(field_count);
        for (TypeP& field : fields)
            field = type();
        if (!element && !key && shape == 0 && fields.empty()) {
            switch (kind) {
            case TypeKind::Any:
                return any_type();
            case TypeKind::Number:
                return number_type();
            case TypeKind::Bool:
                return bool_type();
            case TypeKind::String:
                return string_type();
            case TypeKind::Code:
                return code_type();
            default:
                break;
            }
        }
        auto t = std::make_shared<Type>();
        t->kind = kind;
        t->element = std::move(element);
        t->shape = shape;
        t->key = std::move(key);
        t->fields = std::move(fields);
        return t;
    }

    Value value() {
        auto kind = static_cast<Kind>(u8());
        switch (kind) {
        case Kind::Number:
            return Value::of_number(i64());
        case Kind::Bool:
            return Value::of_bool(flag());
        case Kind::String:
            return string_with_letters(*p_->constants, view());
        case Kind::List: {
            std::uint32_t n = u32();
            if (n > in_.size() - at_) throw Truncated{};
            Value* items = p_->constants->make_array<Value>(n);
            for (std::uint32_t i = 0; i < n; ++i)
                new (&items[i]) Value(value());
            return Value::of_list(items, n);
        }
        case Kind::Record: {
            std::uint32_t shape = u32();
            if (shape >= p_->shapes.size()) throw Truncated{};
            std::size_t n = p_->shapes[shape].fields.size();
            Value* fields = p_->constants->make_array<Value>(n);
            for (std::size_t i = 0; i < n; ++i)
                new (&fields[i]) Value(value());
            return Value::of_record(shape, fields);
        }
        case Kind::Table: {
            std::uint32_t at = u32();
            if (at >= p_->tables.size()) throw Truncated{};
            return Value::of_table(p_->tables[at].get());
        }
        }
        throw Truncated{};
    }

    void table(TableData& t) {
        t.name = str();
        t.doc = str();
        t.cite = str();
        t.source = str();
        t.rows.resize(u32());
        for (TableRowData& r : t.rows) {
            r.keys.resize(u32());
            for (Value& k : r.keys)
                k = value();
            r.is_range = flag();
            r.string_range = flag();
            r.low = i64();
            r.high = i64();
            r.value = value();
            r.cite = str();
            r.layer = str();
            r.from = str();
            r.until = str();
        }
        t.dated = flag();
        t.fixed_by = str();
        t.described_by = str();
        t.index();
    }

    Node node() {
        Node n;
        node_into(n);
        return n;
    }

    // In place: a kid read into its parent's vector is not moved there afterwards.
    void node_into(Node& n) {
        n.op = static_cast<Op>(u8());
        n.slot = u32();
        n.constant = value();
        n.kids.resize(u32());
        for (Node& kid : n.kids)
            node_into(kid);
        n.text = strs();
        std::string_view builtin = view();
        if (!builtin.empty() && !(n.builtin = find_builtin(builtin))) throw Truncated{};
        n.span = span();
    }

    std::optional<Node> optional_node() {
        if (!flag()) return std::nullopt;
        return node();
    }

    void setting(SettingCode& s) {
        s.name = str();
        s.value = value();
        s.versions.resize(u32());
        for (SettingVersionCode& v : s.versions) {
            v.value = value();
            v.effective = effective();
            v.layer = str();
            v.cite = str();
        }
        s.type = type();
        s.doc = str();
        s.cite = str();
        s.layer = str();
        if (flag()) {
            std::int64_t low = i64();
            s.within.emplace(low, i64());
        }
        s.span = span();
        s.declared_by = str();
        s.fixed = flag();
    }

    void def(DefCode& d) {
        d.name = str();
        d.doc = str();
        d.is_function = flag();
        d.param_count = u32();
        d.frame_size = u32();
        d.body = node();
        d.type = type();
        d.span = span();
    }

    void rules(std::vector<RuleCode>& list) {
        list.resize(u32());
        for (RuleCode& r : list)
            rule(r);
    }

    void rule(RuleCode& r) {
        r.name = str();
        r.kind = static_cast<ast::RuleKind>(u8());
        r.doc = str();
        r.cite = str();
        r.layer = str();
        r.replaces = str();
        std::uint32_t clauses = u32();
        if (clauses > in_.size() - at_) throw Truncated{};
        // A clause is 512 bytes: growing the vector by doubling moved and touched 475 KB.
        r.clauses.reserve(clauses);
        for (std::uint32_t i = 0; i < clauses; ++i) {
            ClauseCode c;
            c.kind = static_cast<ast::ClauseKind>(u8());
            c.slot = u32();
            c.over_claim = flag();
            c.first = flag();
            c.invariant = flag();
            c.expr = node();
            c.units = optional_node();
            c.modifiers = optional_node();
            c.otherwise = optional_node();
            c.span = span();
            c.source = str();
            c.narrowing = static_cast<std::int32_t>(i64());
            r.clauses.push_back(std::move(c));
        }
        r.frame_size = u32();
        rules(r.exceptions);
        rules(r.element_exceptions);
        r.action_point = static_cast<std::size_t>(i64());
        r.per = str();
        r.narrowings.resize(u32());
        for (NarrowingCode& n : r.narrowings) {
            n.layer = str();
            n.doc = str();
            n.cite = str();
            n.effective = effective();
            n.written = strs();
            n.sources = strs();
        }
        r.placement = str();
        r.effective = effective();
        r.written = strs();
        r.sources = strs();
        r.fixed = flag();
        r.span = span();
    }

    std::string_view in_;
    std::size_t at_ = 0;
    Program* p_ = nullptr;
};

} // namespace

std::string write_snapshot(const Program& program) {
    return Writer(program).program();
}

std::unique_ptr<Program> read_snapshot(std::string_view bytes) {
    try {
        return Reader(bytes).program();
    } catch (const Truncated&) {
        return nullptr;
    } catch (const std::exception&) {
        return nullptr; // a count larger than memory allows (bad_alloc, length_error)
    }
}

// Replaced by the definition make_snapshot generates, in the executables that carry one.
__attribute__((weak)) std::string_view standard_snapshot() {
    return {};
}

} // namespace cpl
