//! The languages the product writes in itself: a site's own words (section titles, month names)
//! and the account mails. One list, so a language added for sites is one the mails can speak.

/// A language we write in; English is the fallback for any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
    De,
    Fr,
    He,
}

impl Lang {
    /// Ours for a BCP 47 primary subtag (`"fr"`, any case), if we write in it.
    pub fn from_primary(primary: &str) -> Option<Self> {
        Some(match primary.to_ascii_lowercase().as_str() {
            "en" => Self::En,
            "es" => Self::Es,
            "de" => Self::De,
            "fr" => Self::Fr,
            // "iw" is Hebrew's withdrawn ISO 639 code, still sent by older systems.
            "he" | "iw" => Self::He,
            _ => return None,
        })
    }

    /// Ours for a primary subtag, English when we do not write in it.
    pub fn for_primary(primary: &str) -> Self {
        Self::from_primary(primary).unwrap_or(Self::En)
    }

    /// The first of ours in a BCP 47 tag or an `Accept-Language` value (`"pt-BR,he;q=0.5"` is
    /// Hebrew); English when none is.
    pub fn negotiate(value: &str) -> Self {
        value
            .split(',')
            .filter_map(|part| part.split(';').next())
            .filter_map(|tag| tag.trim().split(['-', '_']).next())
            .find_map(Self::from_primary)
            .unwrap_or(Self::En)
    }

    pub fn tag(self) -> &'static str {
        self.pick(["en", "es", "de", "fr", "he"])
    }

    /// This language's one of five, given in the order En, Es, De, Fr, He.
    pub fn pick<T>(self, [en, es, de, fr, he]: [T; 5]) -> T {
        match self {
            Self::En => en,
            Self::Es => es,
            Self::De => de,
            Self::Fr => fr,
            Self::He => he,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_language_we_write_in_is_chosen() {
        assert_eq!(Lang::negotiate("fr-CH, fr;q=0.9, en;q=0.8"), Lang::Fr);
        assert_eq!(Lang::negotiate("pt-BR,he;q=0.5"), Lang::He);
        assert_eq!(Lang::negotiate("DE_at"), Lang::De);
        assert_eq!(Lang::negotiate("zh-CN"), Lang::En);
        assert_eq!(Lang::negotiate(""), Lang::En);
        assert_eq!(Lang::for_primary("iw"), Lang::He);
        assert_eq!(Lang::for_primary("pt"), Lang::En);
        assert_eq!(Lang::from_primary("pt"), None);
    }

    #[test]
    fn a_tag_reads_back_as_its_language() {
        for lang in [Lang::En, Lang::Es, Lang::De, Lang::Fr, Lang::He] {
            assert_eq!(Lang::from_primary(lang.tag()), Some(lang));
        }
    }
}
