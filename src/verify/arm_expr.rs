//! ARM template expressions, parsed: the verifier compares what an expression
//! means (function calls, their resolved string arguments, property reads), never
//! its text, so a user string that looks like `parameters('x')` or
//! `connectionstring` inside a literal is just a literal.
//!
//! Grammar (learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions):
//! `expr := primary ( '.' ident | '[' expr ']' )*`, `primary := 'string' | number |
//! ident '(' [expr (',' expr)*] ')'`; in a string literal `''` is one quote.

/// One parsed expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Str(String),
    Num(String),
    /// Function name (as written) and arguments.
    Call(String, Vec<Expr>),
    /// `expr.property`.
    Member(Box<Expr>, String),
    /// `expr[index]`.
    Index(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Parses the inside of `[ ... ]` (without the brackets).
    pub fn parse(text: &str) -> Option<Expr> {
        let mut p = Parser {
            s: text.as_bytes(),
            text,
            i: 0,
            depth: 0,
        };
        let e = p.expr()?;
        p.ws();
        (p.i == p.s.len()).then_some(e)
    }

    /// The function name, lower-cased, if this is a call.
    pub fn call(&self) -> Option<(String, &[Expr])> {
        match self {
            Expr::Call(name, args) => Some((name.to_ascii_lowercase(), args)),
            _ => None,
        }
    }

    /// The string this expression always evaluates to, when it only combines literals
    /// (`'a'`, `concat('a', 'b')`, `format('{0}-x', 'a')`).
    pub fn constant(&self) -> Option<String> {
        match self {
            Expr::Str(s) => Some(s.clone()),
            Expr::Call(..) => {
                let (name, args) = self.call()?;
                match name.as_str() {
                    "concat" => args.iter().map(Expr::constant).collect(),
                    "format" => {
                        let (fmt, rest) = args.split_first()?;
                        let mut out = fmt.constant()?;
                        let values: Option<Vec<String>> = rest.iter().map(Expr::constant).collect();
                        for (i, v) in values?.iter().enumerate().rev() {
                            out = out.replace(&format!("{{{i}}}"), v);
                        }
                        (!out.contains('{')).then_some(out)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// A canonical form: function names lower-cased, literals re-quoted, no spaces.
    /// Two expressions with one meaning (as far as text can tell) get one form.
    pub fn canonical(&self) -> String {
        match self {
            Expr::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Expr::Num(n) => n.clone(),
            Expr::Call(name, args) => format!(
                "{}({})",
                name.to_ascii_lowercase(),
                args.iter().map(Expr::canonical).collect::<Vec<_>>().join(",")
            ),
            Expr::Member(e, p) => format!("{}.{}", e.canonical(), p.to_ascii_lowercase()),
            Expr::Index(e, i) => format!("{}[{}]", e.canonical(), i.canonical()),
        }
    }

    /// Every sub-expression, this one first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Call(_, args) => args.iter().for_each(|a| a.walk(f)),
            Expr::Member(e, _) => e.walk(f),
            Expr::Index(e, i) => {
                e.walk(f);
                i.walk(f);
            }
            Expr::Str(_) | Expr::Num(_) => {}
        }
    }
}

/// Nesting deeper than this is refused (no input may overflow the stack).
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        self.ws();
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$')
        {
            self.i += 1;
        }
        (self.i > start).then(|| self.text[start..self.i].to_string())
    }

    fn expr(&mut self) -> Option<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut e = self.primary()?;
        loop {
            if self.eat(b'.') {
                e = Expr::Member(Box::new(e), self.ident()?);
            } else if self.eat(b'[') {
                let index = self.expr()?;
                if !self.eat(b']') {
                    return None;
                }
                e = Expr::Index(Box::new(e), Box::new(index));
            } else {
                break;
            }
        }
        self.depth -= 1;
        Some(e)
    }

    fn primary(&mut self) -> Option<Expr> {
        self.ws();
        match *self.s.get(self.i)? {
            b'\'' => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    let rest = &self.text[self.i..];
                    let at = rest.find('\'')?;
                    out.push_str(&rest[..at]);
                    self.i += at + 1;
                    if self.s.get(self.i) == Some(&b'\'') {
                        out.push('\'');
                        self.i += 1;
                    } else {
                        return Some(Expr::Str(out));
                    }
                }
            }
            c if c.is_ascii_digit() || c == b'-' => {
                let start = self.i;
                self.i += 1;
                while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                    self.i += 1;
                }
                Some(Expr::Num(self.text[start..self.i].to_string()))
            }
            _ => {
                let mut name = self.ident()?;
                // A user-defined function: `namespace.name(...)`.
                while self.s.get(self.i) == Some(&b'.') {
                    self.i += 1;
                    name = format!("{name}.{}", self.ident()?);
                }
                if !self.eat(b'(') {
                    return None;
                }
                let mut args = Vec::new();
                if !self.eat(b')') {
                    loop {
                        args.push(self.expr()?);
                        if self.eat(b')') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Expr::Call(name, args))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_that_look_like_calls_stay_literals() {
        let e = Expr::parse("concat('parameters(''x'')', parameters('real'))").unwrap();
        let mut params = Vec::new();
        e.walk(&mut |e| {
            if let Some(("parameters", [Expr::Str(n)])) = e.call().as_ref().map(|(n, a)| (n.as_str(), *a)) {
                params.push(n.clone());
            }
        });
        assert_eq!(params, ["real"]);
    }

    #[test]
    fn members_indexes_and_constants() {
        let e = Expr::parse("reference(resourceId('T/x', 'a')).outputs['k'].value").unwrap();
        assert_eq!(e.canonical(), "reference(resourceid('T/x','a')).outputs['k'].value");
        assert_eq!(
            Expr::parse("format('{0}/{1}', 'a', concat('b', 'c'))")
                .unwrap()
                .constant()
                .as_deref(),
            Some("a/bc")
        );
        assert!(Expr::parse("concat('a'").is_none());
        assert!(Expr::parse(&"f(".repeat(500)).is_none());
    }
}
