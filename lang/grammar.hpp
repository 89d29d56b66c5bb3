// lang/grammar.hpp — the one PEGTL grammar of cpl: rules only, no actions.
// Each rule carries its EBNF (docs/language.md holds the same grammar). Rules named
// `expect_*` are commit points: when they fail, parsing stops with the message given to
// them in grammar_errors.hpp. Keep them out of `sor<>` alternatives. Those whose insides
// build parse-tree nodes end in an explicit `raise<>`: the parse-tree control does not
// report the failure of a rule it does not store.
#pragma once

#include <tao/pegtl.hpp>

namespace cpl::grammar {

using namespace tao::pegtl;

// clang-format off

// --- Lexical ---------------------------------------------------------------------------

// comment <- '#' (!eol .)* eol
struct comment : seq< one< '#' >, until< eolf > > {};
// ws <- (space / comment)*
struct ws : star< sor< plus< space >, comment > > {};

template< typename Word > struct word : seq< Word, not_at< identifier_other > > {};
template< typename Word > struct keyword : seq< word< Word >, ws > {};
template< typename... Words > struct any_word : sor< word< Words >... > {};

#define CPL_KEYWORD( id ) struct kw_##id : keyword< TAO_PEGTL_STRING( #id ) > {}
CPL_KEYWORD( policy ); CPL_KEYWORD( extends ); CPL_KEYWORD( setting ); CPL_KEYWORD( within );
CPL_KEYWORD( table ); CPL_KEYWORD( end ); CPL_KEYWORD( replace ); CPL_KEYWORD( remove );
CPL_KEYWORD( def ); CPL_KEYWORD( rule ); CPL_KEYWORD( edit ); CPL_KEYWORD( for );
CPL_KEYWORD( in ); CPL_KEYWORD( let ); CPL_KEYWORD( when ); CPL_KEYWORD( bill );
CPL_KEYWORD( units ); CPL_KEYWORD( modifiers ); CPL_KEYWORD( cap ); CPL_KEYWORD( at );
CPL_KEYWORD( deny ); CPL_KEYWORD( warn ); CPL_KEYWORD( info ); CPL_KEYWORD( add );
CPL_KEYWORD( modifier ); CPL_KEYWORD( document ); CPL_KEYWORD( cite ); CPL_KEYWORD( override );
CPL_KEYWORD( disable ); CPL_KEYWORD( exception ); CPL_KEYWORD( to ); CPL_KEYWORD( include );
CPL_KEYWORD( and ); CPL_KEYWORD( or ); CPL_KEYWORD( not ); CPL_KEYWORD( if );
CPL_KEYWORD( then ); CPL_KEYWORD( else ); CPL_KEYWORD( from ); CPL_KEYWORD( until );
CPL_KEYWORD( fixed ); CPL_KEYWORD( because ); CPL_KEYWORD( require );
#undef CPL_KEYWORD

// Reserved words can never be names.
struct reserved : any_word<
   TAO_PEGTL_STRING( "policy" ), TAO_PEGTL_STRING( "extends" ), TAO_PEGTL_STRING( "setting" ),
   TAO_PEGTL_STRING( "within" ), TAO_PEGTL_STRING( "table" ), TAO_PEGTL_STRING( "end" ),
   TAO_PEGTL_STRING( "replace" ), TAO_PEGTL_STRING( "remove" ), TAO_PEGTL_STRING( "def" ),
   TAO_PEGTL_STRING( "rule" ), TAO_PEGTL_STRING( "edit" ), TAO_PEGTL_STRING( "for" ),
   TAO_PEGTL_STRING( "in" ), TAO_PEGTL_STRING( "let" ), TAO_PEGTL_STRING( "when" ),
   TAO_PEGTL_STRING( "bill" ), TAO_PEGTL_STRING( "cap" ), TAO_PEGTL_STRING( "deny" ),
   TAO_PEGTL_STRING( "warn" ), TAO_PEGTL_STRING( "info" ), TAO_PEGTL_STRING( "add" ),
   TAO_PEGTL_STRING( "document" ), TAO_PEGTL_STRING( "cite" ), TAO_PEGTL_STRING( "override" ),
   TAO_PEGTL_STRING( "disable" ), TAO_PEGTL_STRING( "exception" ), TAO_PEGTL_STRING( "include" ),
   TAO_PEGTL_STRING( "and" ), TAO_PEGTL_STRING( "or" ), TAO_PEGTL_STRING( "not" ),
   TAO_PEGTL_STRING( "if" ), TAO_PEGTL_STRING( "then" ), TAO_PEGTL_STRING( "else" ),
   TAO_PEGTL_STRING( "true" ), TAO_PEGTL_STRING( "false" ), TAO_PEGTL_STRING( "from" ),
   TAO_PEGTL_STRING( "until" ), TAO_PEGTL_STRING( "fixed" ), TAO_PEGTL_STRING( "because" ),
   TAO_PEGTL_STRING( "require" ) > {};

// name <- [a-z_] [A-Za-z0-9_]*   (not a reserved word)
struct name : seq< not_at< reserved >, ranges< 'a', 'z', '_' >, star< identifier_other > > {};
struct ident : seq< name, ws > {};
// field_name <- [a-z_] [A-Za-z0-9_]*: a record's field may be a reserved word where nothing else
// can stand: right after `.` (`line.rule`), or before `:` in `{…}`. A `.` at the end of a line
// still wants a name, so `when case.` then `bill …` is no field named `bill`.
struct field_name : seq< ranges< 'a', 'z', '_' >, star< identifier_other > > {};

template< char C > struct sym : seq< one< C >, ws > {};
struct arrow : seq< TAO_PEGTL_STRING( "=>" ), ws > {};
// equals <- '=' !('=' / '>')
struct equals : seq< one< '=' >, not_at< one< '=', '>' > >, ws > {};

// code <- digit{4} (digit / upper)      (exactly five characters: 95860, 0766T)
struct code_lit : seq< rep< 4, digit >, sor< digit, upper >, not_at< identifier_other > > {};
// number <- digit (digit / '_' digit)*
struct number : seq< digit, star< sor< digit, seq< one< '_' >, digit > > >, not_at< identifier_other > > {};
// fraction <- number '.' digit+      (not a cpl value: read whole so the checker can say so)
struct fraction : seq< number, one< '.' >, plus< digit >, not_at< identifier_other > > {};
struct bool_lit : any_word< TAO_PEGTL_STRING( "true" ), TAO_PEGTL_STRING( "false" ) > {};

struct expr;
struct expect_expr;  // defined after expr

// string <- '"' (text / '\' escape / '{' expr '}')* '"'
struct str_text : plus< not_one< '"', '\\', '{', '\n', '\r' > > {};
struct expect_escape : one< '"', '\\', 'n', 't', '{', '}' > {};
struct str_escape : seq< one< '\\' >, expect_escape > {};
struct expect_interp_close : one< '}' > {};
struct str_interp : seq< one< '{' >, ws, expect_expr, expect_interp_close > {};
struct expect_quote : one< '"' > {};
struct string_lit : seq< one< '"' >, star< sor< str_text, str_escape, str_interp > >, expect_quote > {};

// literal <- code / fraction / number / string / 'true' / 'false'
struct literal : seq< sor< code_lit, fraction, number, string_lit, bool_lit >, ws > {};

// --- Expressions -----------------------------------------------------------------------

struct expect_rparen : sym< ')' > {};
// paren <- '(' expr ')'
struct paren : seq< sym< '(' >, expect_expr, expect_rparen > {};
// call <- name '(' [expr (',' expr)*] ')'
struct call_args : opt< expr, star< sym< ',' >, expect_expr > > {};
struct call : seq< name, ws, sym< '(' >, call_args, expect_rparen > {};
struct var_ref : seq< name, ws > {};

struct expect_var : sor< ident, raise< expect_var > > {};
struct expect_in : kw_in {};
// comprehension tail <- 'for' name 'in' expr ['if' expr]
struct comp_filter : seq< kw_if, expect_expr > {};
struct comp_tail : seq< kw_for, expect_var, expect_in, expect_expr, opt< comp_filter > > {};
struct expect_then : kw_then {};
// list_when <- 'if' expr 'then' expr ['else' expr]
//   An element of a list: without `else`, present only when the condition holds; with it, an
//   ordinary `if` (read here once, not tried as one and then the other).
struct list_else : seq< kw_else, expect_expr > {};
struct list_when : seq< kw_if, expect_expr, expect_then, expect_expr, opt< list_else > > {};
struct list_item : sor< list_when, expr > {};
struct list_tail : seq< star< sym< ',' >, list_item >, opt< sym< ',' > > > {};
struct expect_rbracket : sym< ']' > {};
// bracket <- '[' [(list_when / expr) (comp_tail / list_tail)] ']'
//   list_tail <- (',' (list_when / expr))* [',']
struct bracket : seq< sym< '[' >, opt< list_item, sor< comp_tail, list_tail > >, expect_rbracket > {};

struct expect_colon : sym< ':' > {};
// record <- '{' [field (',' field)*] '}'      field <- field_name ':' expr
struct record_field_name : sor< seq< field_name, ws, at< one< ':' > > >, ident > {};
struct record_field : seq< record_field_name, expect_colon, expect_expr > {};
struct expect_field : record_field {};
struct expect_rbrace : sym< '}' > {};
struct record : seq< sym< '{' >, opt< record_field, star< sym< ',' >, expect_field > >, expect_rbrace > {};

struct expect_else : kw_else {};
// if <- 'if' expr 'then' expr 'else' expr
struct if_expr : seq< kw_if, expect_expr, expect_then, expect_expr, expect_else, expect_expr > {};

// first <- 'first' ('when' expr '=>' expr)+ 'otherwise' expr
// The value of the first arm whose condition holds (a decision table with hit policy FIRST).
// `first` is not reserved: only `when` after it makes the form, so `first(x)` stays a call (of
// a definition named `first`).
struct kw_otherwise : keyword< TAO_PEGTL_STRING( "otherwise" ) > {};
struct first_word : word< TAO_PEGTL_STRING( "first" ) > {};
struct expect_first_arrow : arrow {};
struct first_arm : seq< kw_when, expect_expr, expect_first_arrow, expect_expr > {};
struct expect_first_otherwise : sor< seq< kw_otherwise, expect_expr >, raise< expect_first_otherwise > > {};
struct first_expr : seq< first_word, ws, at< kw_when >, plus< first_arm >, expect_first_otherwise > {};

// quantified <- ('any' / 'all' / 'none') name 'in' expr ':' expr
// The three words are not reserved: only a name then `in` after them makes a quantifier, so
// `any(list)` stays a call of the built-in.
struct quantifier_any : word< TAO_PEGTL_STRING( "any" ) > {};
struct quantifier_all : word< TAO_PEGTL_STRING( "all" ) > {};
struct quantifier_none : word< TAO_PEGTL_STRING( "none" ) > {};
struct quantified_head : seq< sor< quantifier_any, quantifier_all, quantifier_none >, ws, ident, kw_in > {};
struct quantified : seq< quantified_head, expect_expr, expect_colon, expect_expr > {};

// primary <- literal / bracket / record / if / first / quantified / paren / call / name
struct primary : sor< literal, bracket, record, if_expr, first_expr, quantified, paren, call, var_ref > {};

struct expect_field_name : sor< ident, raise< expect_field_name > > {};
// postfix <- primary ('.' (field_name / ws name) / '[' expr ']')*
struct member : seq< one< '.' >, not_at< one< '.' > >, sor< seq< field_name, ws >, seq< ws, expect_field_name > > > {};
struct index : seq< sym< '[' >, expect_expr, expect_rbracket > {};
struct postfix : seq< primary, star< sor< member, index > > > {};

// unary <- '-' unary / postfix
struct unary;
struct neg : seq< one< '-' >, ws, unary > {};
struct unary : sor< neg, postfix > {};
struct expect_operand : sor< unary, raise< expect_operand > > {};

// product <- unary (('*' / '/' / '%') unary)*
struct op_mul : seq< one< '*', '/', '%' >, ws > {};
struct product : seq< unary, star< op_mul, expect_operand > > {};
// sum <- product (('+' / '-') product)*
struct op_add : seq< one< '+', '-' >, ws > {};
struct expect_sum_operand : product {};
struct sum : seq< product, star< op_add, expect_sum_operand > > {};
// range <- sum ['..' sum]
struct op_range : seq< TAO_PEGTL_STRING( ".." ), ws > {};
struct expect_range_end : sum {};
struct range_expr : seq< sum, opt< op_range, expect_range_end > > {};
// comparison <- range [('==' / '!=' / '<=' / '>=' / '<' / '>' / 'in' / 'not' 'in') range]
struct op_cmp : sor< seq< sor< TAO_PEGTL_STRING( "==" ), TAO_PEGTL_STRING( "!=" ),
                               TAO_PEGTL_STRING( "<=" ), TAO_PEGTL_STRING( ">=" ),
                               one< '<' >, seq< one< '>' >, not_at< one< '>' > > > >, ws >,
                     kw_in, seq< kw_not, kw_in > > {};
struct expect_cmp_operand : range_expr {};
struct comparison : seq< range_expr, opt< op_cmp, expect_cmp_operand > > {};
// not <- 'not' not / comparison
struct not_level;
struct expect_not_operand;  // defined after not_level
struct not_expr : seq< kw_not, expect_not_operand > {};
struct not_level : sor< not_expr, comparison > {};
struct expect_not_operand : sor< not_level, raise< expect_not_operand > > {};
// and <- not ('and' not)*
struct and_expr : seq< not_level, star< kw_and, expect_not_operand > > {};
// or <- and ('or' and)*
struct expect_and_operand : and_expr {};
struct or_expr : seq< and_expr, star< kw_or, expect_and_operand > > {};
struct expr : seq< or_expr > {};
struct expect_expr : sor< expr, raise< expect_expr > > {};

// --- Declarations ----------------------------------------------------------------------

struct doc_string : seq< string_lit, ws > {};
struct expect_cite_text : sor< doc_string, raise< expect_cite_text > > {};
// cite <- 'cite' string
struct cite : seq< kw_cite, expect_cite_text > {};

// effective <- ['from' string] ['until' string]      (dates of service, YYYY-MM-DD)
struct expect_date : sor< doc_string, raise< expect_date > > {};
struct effective_from : seq< kw_from, expect_date > {};
struct effective_until : seq< kw_until, expect_date > {};
struct effective : seq< opt< effective_from >, opt< effective_until > > {};

struct expect_policy_name : sor< ident, raise< expect_policy_name > > {};
struct extends_base : sor< ident, doc_string > {};
struct expect_base : sor< extends_base, raise< expect_base > > {};
struct extends_clause : seq< kw_extends, expect_base > {};
// header <- 'policy' name ['extends' (name / string)] [string] effective
//   (effective: the dates of service the policy codes; a case outside them is an error)
struct header : seq< kw_policy, expect_policy_name, opt< extends_clause >, opt< doc_string >, effective > {};

struct expect_literal : sor< literal, raise< expect_literal > > {};
struct expect_number : sor< seq< number, ws >, raise< expect_number > > {};
struct expect_range_dots : op_range {};
struct int_range : seq< number, ws, expect_range_dots, expect_number > {};
struct expect_int_range : int_range {};
struct within : seq< kw_within, expect_int_range > {};
struct expect_setting_name : sor< ident, raise< expect_setting_name > > {};
// setting <- 'setting' name literal ['within' number '..' number] [string] [cite]
struct setting : seq< kw_setting, expect_setting_name, expect_literal, opt< within >, effective, opt< doc_string >, opt< cite > > {};
// setting_value <- name literal        (a payer restating a setting)
struct setting_value : seq< name, ws, expect_literal, effective, opt< cite > > {};

// key <- bound '..' [bound] / literal        bound <- code / number / string
struct range_bound : sor< code_lit, number, string_lit > {};
struct key_range : seq< range_bound, ws, op_range, opt< range_bound, ws > > {};
struct table_key : sor< key_range, literal > {};
struct expect_key : table_key {};
struct expect_arrow : arrow {};
// row <- 'remove' key (',' key)* / key (',' key)* '=>' expr [cite]
struct remove_row : seq< kw_remove, expect_key, star< sym< ',' >, expect_key > > {};
struct value_row : seq< table_key, star< sym< ',' >, expect_key >, expect_arrow, expect_expr, effective, opt< cite > > {};
// rows <- 'rows' 'from' string ['version' string] column '=>' columns      (a CSV/TSV file's rows)
//   column <- name ':' name           columns <- column / '{' column (',' column)* '}' / '[' columns ']'
// `rows` and `version` are words only here: they are not reserved.
struct kw_rows : keyword< TAO_PEGTL_STRING( "rows" ) > {};
struct kw_version : keyword< TAO_PEGTL_STRING( "version" ) > {};
struct expect_rows_from : kw_from {};
struct expect_rows_file : sor< doc_string, raise< expect_rows_file > > {};
struct expect_version_text : sor< doc_string, raise< expect_version_text > > {};
struct rows_version : seq< kw_version, expect_version_text > {};
struct expect_column_colon : sym< ':' > {};
struct expect_column_type : sor< ident, raise< expect_column_type > > {};
struct csv_column : seq< name, ws, expect_column_colon, expect_column_type > {};
struct expect_csv_column : sor< csv_column, raise< expect_csv_column > > {};
struct csv_record : seq< sym< '{' >, expect_csv_column, star< sym< ',' >, expect_csv_column >, expect_rbrace > {};
struct csv_group : seq< sym< '[' >, sor< csv_record, expect_csv_column >, expect_rbracket > {};
struct expect_csv_value : sor< csv_group, csv_record, csv_column, raise< expect_csv_value > > {};
struct rows_from : seq< kw_rows, expect_rows_from, expect_rows_file, opt< rows_version >, expect_csv_column, expect_arrow, expect_csv_value > {};
struct table_row : sor< remove_row, rows_from, value_row > {};
struct expect_table_name : sor< ident, raise< expect_table_name > > {};
struct expect_table_end : kw_end {};
// A table's description is a string not followed by `=>`, `,` or `..` (else it is a row's key).
struct table_doc : seq< doc_string, not_at< sor< arrow, one< ',' >, op_range > > > {};
struct table_body : seq< expect_table_name, opt< table_doc >, opt< cite >, star< table_row >, expect_table_end > {};
struct replace_mark : kw_replace {};
struct expect_table_keyword : kw_table {};
// table <- ['replace'] 'table' name [string] [cite] (row / rows)* 'end'
struct table_decl : sor< seq< replace_mark, expect_table_keyword, table_body >, seq< kw_table, table_body > > {};

// param <- name [':' name]
struct param_type : seq< sym< ':' >, expect_var > {};
struct param : seq< name, ws, opt< param_type > > {};
struct expect_param : param {};
struct params : seq< sym< '(' >, opt< param, star< sym< ',' >, expect_param > >, expect_rparen > {};
struct expect_def_name : sor< ident, raise< expect_def_name > > {};
struct expect_equals : equals {};
// def <- 'def' name ['(' params ')'] [string] '=' expr
struct def : seq< kw_def, expect_def_name, opt< params >, opt< doc_string >, expect_equals, expect_expr > {};

// clause <- 'for' name 'in' expr / 'let' name '=' expr / 'when' expr / 'bill' expr ['units' expr]
//           ['modifiers' expr] / 'cap' 'units' 'at' expr / ('deny' / 'warn' / 'info' / 'document') expr
//           / 'add' 'modifier' expr / cite
struct clause_for : seq< kw_for, expect_var, expect_in, expect_expr > {};
struct clause_let : seq< kw_let, expect_var, expect_equals, expect_expr > {};
// when <- 'when' expr ['otherwise' expr]
//   otherwise: why the rule stops here, in a coder's words (`--why-not` shows it). The word
//   is not reserved: it is a keyword only after a `when` condition.
struct when_otherwise : seq< kw_otherwise, expect_expr > {};
struct clause_when : seq< kw_when, expect_expr, opt< when_otherwise > > {};
struct bill_units : seq< kw_units, expect_expr > {};
struct bill_modifiers : seq< kw_modifiers, expect_expr > {};
struct clause_bill : seq< kw_bill, expect_expr, opt< bill_units >, opt< bill_modifiers > > {};
struct expect_units_keyword : kw_units {};
struct expect_at : kw_at {};
struct clause_cap : seq< kw_cap, expect_units_keyword, expect_at, expect_expr > {};
struct clause_deny : seq< kw_deny, expect_expr > {};
struct clause_warn : seq< kw_warn, expect_expr > {};
struct clause_info : seq< kw_info, expect_expr > {};
struct clause_document : seq< kw_document, expect_expr > {};
struct expect_modifier_keyword : kw_modifier {};
// add <- 'add' 'modifier' expr 'first'?   (`first`: before the line's other modifiers, as a
// pricing modifier goes: ["26", "XS"])
struct add_first : seq< first_word, ws > {};
struct clause_add : seq< kw_add, expect_modifier_keyword, expect_expr, opt< add_first > > {};
struct clause_remove : seq< kw_remove, expect_modifier_keyword, expect_expr > {};
// because <- 'because' expr     (the rule's reason in plain words, shown by --explain)
struct clause_because : seq< kw_because, expect_expr > {};
struct clause : sor< clause_for, clause_let, clause_when, clause_bill, clause_cap, clause_deny,
                     clause_warn, clause_info, clause_document, clause_add, clause_remove, clause_because, cite, effective_from,
                     effective_until > {};

struct expect_rule_name : sor< ident, raise< expect_rule_name > > {};
struct expect_target : sor< ident, raise< expect_target > > {};
// placement <- ('before' / 'after') name     (a payer's new rule or edit runs next to that one)
// The words are not reserved: no clause begins with them.
struct placement_before : word< TAO_PEGTL_STRING( "before" ) > {};
struct placement_after : word< TAO_PEGTL_STRING( "after" ) > {};
struct placement : seq< sor< placement_before, placement_after >, ws, expect_target > {};
struct rule_body : seq< expect_rule_name, opt< doc_string >, opt< placement >, star< clause > > {};
// rule <- 'rule' name [string] [placement] clause*
// edit <- 'edit' name [string] [placement] clause*
struct rule : seq< kw_rule, rule_body > {};
struct edit : seq< kw_edit, rule_body > {};
struct expect_rule_or_edit : sor< rule, edit, raise< expect_rule_or_edit > > {};
// override <- 'override' (rule / edit)
struct override_decl : seq< kw_override, expect_rule_or_edit > {};
struct kind_rule : kw_rule {};
struct kind_edit : kw_edit {};
struct expect_kind : sor< kind_rule, kind_edit, raise< expect_kind > > {};
// disable <- 'disable' ('rule' / 'edit') name [string]
struct disable_decl : seq< kw_disable, expect_kind, expect_target, opt< doc_string > > {};
struct expect_to : kw_to {};
// exception <- 'exception' name 'to' ('rule' / 'edit') name ['per' name] [string] clause*
//   per NAME: the exception is tried for each element of the target's `for NAME in …` loop,
//   where the target would act, rather than once for the case. `per` is not reserved.
struct per_word : word< TAO_PEGTL_STRING( "per" ) > {};
struct exception_per : seq< per_word, ws, expect_var > {};
// A placement parses here too, so that the checker can say an exception runs where its
// target runs (check.placement), rather than the parser expecting a value.
struct exception_decl : seq< kw_exception, expect_rule_name, expect_to, expect_kind, expect_target, opt< exception_per >, opt< doc_string >, opt< placement >, star< clause > > {};
// narrow <- 'narrow' ('rule' / 'edit') name [string] clause*
//   Conditions (`let`, `when`) the target must also meet where it acts. `narrow` is not
//   reserved: only `rule` or `edit` after it makes the declaration.
struct narrow_word : word< TAO_PEGTL_STRING( "narrow" ) > {};
struct narrow_decl : seq< narrow_word, ws, at< sor< kw_rule, kw_edit > >, expect_kind, expect_target, opt< doc_string >, opt< placement >, star< clause > > {};
struct expect_include_path : sor< doc_string, raise< expect_include_path > > {};
// include <- 'include' string
struct include_decl : seq< kw_include, expect_include_path > {};

// source <- 'source' source_key string ['publisher' string] ['date' string] ['link' string]
//           ('verified' / 'unverified')
//   source_key <- [A-Z] [A-Za-z0-9_]*       (a cite names the source as `[KEY]`)
// The words of a source are not reserved (a policy may name a def `source` or `date`):
// `source` opens a declaration only before a key, which no name can be (names are lower case).
struct kw_source : keyword< TAO_PEGTL_STRING( "source" ) > {};
struct kw_publisher : keyword< TAO_PEGTL_STRING( "publisher" ) > {};
struct kw_date : keyword< TAO_PEGTL_STRING( "date" ) > {};
struct kw_link : keyword< TAO_PEGTL_STRING( "link" ) > {};
struct source_key : seq< upper, star< identifier_other > > {};
struct expect_source_title : sor< doc_string, raise< expect_source_title > > {};
struct expect_source_text : sor< doc_string, raise< expect_source_text > > {};
struct source_publisher : seq< kw_publisher, expect_source_text > {};
struct source_date : seq< kw_date, expect_source_text > {};
struct source_link : seq< kw_link, expect_source_text > {};
struct source_verified : keyword< TAO_PEGTL_STRING( "verified" ) > {};
struct source_unverified : keyword< TAO_PEGTL_STRING( "unverified" ) > {};
struct expect_verification : sor< source_verified, source_unverified, raise< expect_verification > > {};
struct source_decl : seq< kw_source, source_key, ws, expect_source_title, opt< source_publisher >,
                          opt< source_date >, opt< source_link >, expect_verification > {};

// fixed <- 'fixed' (setting / table / rule / edit)     (payers may not change it)
struct expect_fixable : sor< setting, table_decl, rule, edit, raise< expect_fixable > > {};
struct fixed_decl : seq< kw_fixed, expect_fixable > {};

// require <- 'require' expr 'because' string
//   A condition on the policy's settings, tables and definitions that every policy extending
//   it must keep (checked when the policy is).
struct require_reason : seq< kw_because, doc_string > {};
struct expect_require_reason : sor< require_reason, raise< expect_require_reason > > {};
struct require_decl : seq< kw_require, expect_expr, expect_require_reason > {};

struct declaration : sor< setting, table_decl, def, rule, edit, override_decl, disable_decl,
                          exception_decl, narrow_decl, include_decl, fixed_decl, source_decl,
                          require_decl, setting_value > {};

// The parser drives declarations one at a time (so it can recover between them); these
// are its entry points.
struct file_start : seq< ws, opt< header > > {};
struct one_declaration : seq< declaration > {};

// clang-format on

} // namespace cpl::grammar
