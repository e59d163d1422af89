//! What the account mails say, in the five languages the sites speak. Transactional and plain:
//! no images, no tracking, nothing to unsubscribe from; the HTML part says what the text part
//! says. Links carry their single-use token in the fragment (`#token=`), which browsers never
//! send to a server, so it stays out of access logs and `Referer` headers.

use r2w_core::markup::escape;
use r2w_core::model::Email;
use url::Url;

use super::Mail;

pub use r2w_core::lang::Lang;

/// A link into the web app with `token` in the fragment.
pub fn link(app: &Url, page: &str, token: &str) -> Url {
    let mut url = app.join(page).unwrap_or_else(|_| app.clone());
    url.set_fragment(Some(&format!("token={token}")));
    url
}

/// Sent at sign-up and on request: proves the address belongs to the person.
pub fn verify_email(lang: Lang, to: &Email, link: &Url) -> Mail {
    compose(
        lang,
        to,
        lang.pick([
            "Confirm your e-mail address",
            "Confirma tu dirección de correo",
            "Bestätigen Sie Ihre E-Mail-Adresse",
            "Confirmez votre adresse e-mail",
            "אישור כתובת הדוא״ל",
        ]),
        lang.pick([
            "Open this link to confirm that this address is yours. It works once, for 24 hours.",
            "Abre este enlace para confirmar que esta dirección es tuya. Funciona una vez, durante 24 horas.",
            "Öffnen Sie diesen Link, um zu bestätigen, dass diese Adresse Ihnen gehört. Er gilt einmal, 24 Stunden lang.",
            "Ouvrez ce lien pour confirmer que cette adresse est la vôtre. Il fonctionne une fois, pendant 24 heures.",
            "פתחו את הקישור כדי לאשר שהכתובת שייכת לכם. הוא פועל פעם אחת, במשך 24 שעות.",
        ]),
        Some((
            link,
            lang.pick(["Confirm my address", "Confirmar mi dirección", "Adresse bestätigen", "Confirmer mon adresse", "אישור הכתובת"]),
        )),
        lang.pick([
            "If you did not create a Resume2Website account, ignore this message: nothing happens without the link.",
            "Si no creaste una cuenta en Resume2Website, ignora este mensaje: sin el enlace no pasa nada.",
            "Wenn Sie kein Resume2Website-Konto angelegt haben, ignorieren Sie diese Nachricht: ohne den Link geschieht nichts.",
            "Si vous n'avez pas créé de compte Resume2Website, ignorez ce message : rien ne se passe sans le lien.",
            "אם לא פתחתם חשבון ב-Resume2Website, התעלמו מההודעה: בלי הקישור לא יקרה דבר.",
        ]),
    )
}

/// Sent when someone asks to change the account's address: the new address proves itself.
pub fn confirm_new_email(lang: Lang, to: &Email, link: &Url) -> Mail {
    compose(
        lang,
        to,
        lang.pick([
            "Confirm your new e-mail address",
            "Confirma tu nueva dirección de correo",
            "Bestätigen Sie Ihre neue E-Mail-Adresse",
            "Confirmez votre nouvelle adresse e-mail",
            "אישור כתובת הדוא״ל החדשה",
        ]),
        lang.pick([
            "Your Resume2Website account will use this address once you open this link. It works once, for 24 hours.",
            "Tu cuenta de Resume2Website usará esta dirección cuando abras este enlace. Funciona una vez, durante 24 horas.",
            "Ihr Resume2Website-Konto verwendet diese Adresse, sobald Sie diesen Link öffnen. Er gilt einmal, 24 Stunden lang.",
            "Votre compte Resume2Website utilisera cette adresse dès que vous ouvrirez ce lien. Il fonctionne une fois, pendant 24 heures.",
            "חשבון Resume2Website שלכם ישתמש בכתובת זו לאחר פתיחת הקישור. הוא פועל פעם אחת, במשך 24 שעות.",
        ]),
        Some((
            link,
            lang.pick(["Use this address", "Usar esta dirección", "Diese Adresse verwenden", "Utiliser cette adresse", "שימוש בכתובת זו"]),
        )),
        lang.pick([
            "If you did not ask for this, ignore this message: the account keeps its current address.",
            "Si no lo pediste, ignora este mensaje: la cuenta conserva su dirección actual.",
            "Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: das Konto behält seine Adresse.",
            "Si vous n'avez rien demandé, ignorez ce message : le compte garde son adresse actuelle.",
            "אם לא ביקשתם זאת, התעלמו מההודעה: החשבון ישמור על כתובתו הנוכחית.",
        ]),
    )
}

/// Sent when someone asks for a password reset of an existing account.
pub fn reset_password(lang: Lang, to: &Email, link: &Url) -> Mail {
    compose(
        lang,
        to,
        lang.pick([
            "Reset your password",
            "Restablece tu contraseña",
            "Passwort zurücksetzen",
            "Réinitialisez votre mot de passe",
            "איפוס הסיסמה",
        ]),
        lang.pick([
            "Someone asked to reset the password of your Resume2Website account. Open this link to choose a new one; it works once, for 30 minutes, and signs out every device.",
            "Alguien pidió restablecer la contraseña de tu cuenta de Resume2Website. Abre este enlace para elegir una nueva; funciona una vez, durante 30 minutos, y cierra la sesión en todos los dispositivos.",
            "Jemand hat angefordert, das Passwort Ihres Resume2Website-Kontos zurückzusetzen. Öffnen Sie diesen Link, um ein neues zu wählen; er gilt einmal, 30 Minuten lang, und meldet alle Geräte ab.",
            "Quelqu'un a demandé à réinitialiser le mot de passe de votre compte Resume2Website. Ouvrez ce lien pour en choisir un nouveau ; il fonctionne une fois, pendant 30 minutes, et déconnecte tous les appareils.",
            "התקבלה בקשה לאפס את הסיסמה של חשבון Resume2Website שלכם. פתחו את הקישור כדי לבחור סיסמה חדשה; הוא פועל פעם אחת, במשך 30 דקות, ומנתק את כל המכשירים.",
        ]),
        Some((
            link,
            lang.pick(["Choose a new password", "Elegir una contraseña nueva", "Neues Passwort wählen", "Choisir un nouveau mot de passe", "בחירת סיסמה חדשה"]),
        )),
        lang.pick([
            "If it was not you, ignore this message: your password stays as it is.",
            "Si no fuiste tú, ignora este mensaje: tu contraseña no cambia.",
            "Wenn Sie es nicht waren, ignorieren Sie diese Nachricht: Ihr Passwort bleibt, wie es ist.",
            "Si ce n'était pas vous, ignorez ce message : votre mot de passe ne change pas.",
            "אם לא אתם ביקשתם, התעלמו מההודעה: הסיסמה שלכם לא תשתנה.",
        ]),
    )
}

/// Sent to the old address once the account has moved to a new one.
pub fn email_changed(lang: Lang, to: &Email, new_address: &Email) -> Mail {
    let said = lang.pick([
        "The e-mail address of your Resume2Website account is now",
        "La dirección de correo de tu cuenta de Resume2Website es ahora",
        "Die E-Mail-Adresse Ihres Resume2Website-Kontos lautet jetzt",
        "L'adresse e-mail de votre compte Resume2Website est désormais",
        "כתובת הדוא״ל של חשבון Resume2Website שלכם היא כעת",
    ]);
    notice(
        lang,
        to,
        lang.pick([
            "Your e-mail address was changed",
            "Se cambió tu dirección de correo",
            "Ihre E-Mail-Adresse wurde geändert",
            "Votre adresse e-mail a été modifiée",
            "כתובת הדוא״ל שלכם שונתה",
        ]),
        &format!("{said} {new_address}."),
    )
}

/// Sent when the password changes (by the person, or through a reset).
pub fn password_changed(lang: Lang, to: &Email) -> Mail {
    notice(
        lang,
        to,
        lang.pick([
            "Your password was changed",
            "Se cambió tu contraseña",
            "Ihr Passwort wurde geändert",
            "Votre mot de passe a été modifié",
            "הסיסמה שלכם שונתה",
        ]),
        lang.pick([
            "The password of your Resume2Website account was changed and every other device was signed out.",
            "Se cambió la contraseña de tu cuenta de Resume2Website y se cerró la sesión en los demás dispositivos.",
            "Das Passwort Ihres Resume2Website-Kontos wurde geändert und alle anderen Geräte wurden abgemeldet.",
            "Le mot de passe de votre compte Resume2Website a été modifié et les autres appareils ont été déconnectés.",
            "הסיסמה של חשבון Resume2Website שלכם שונתה וכל המכשירים האחרים נותקו.",
        ]),
    )
}

fn notice(lang: Lang, to: &Email, subject: &str, body: &str) -> Mail {
    compose(
        lang,
        to,
        subject,
        body,
        None,
        lang.pick([
            "If it was not you, reset your password from the sign-in page at once.",
            "Si no fuiste tú, restablece tu contraseña desde la página de acceso cuanto antes.",
            "Wenn Sie es nicht waren, setzen Sie Ihr Passwort sofort über die Anmeldeseite zurück.",
            "Si ce n'était pas vous, réinitialisez votre mot de passe depuis la page de connexion sans attendre.",
            "אם לא אתם עשיתם זאת, אפסו מיד את הסיסמה מדף הכניסה.",
        ]),
    )
}

fn compose(lang: Lang, to: &Email, subject: &str, body: &str, action: Option<(&Url, &str)>, footer: &str) -> Mail {
    let mut text = format!("{body}\n\n");
    if let Some((url, _)) = action {
        text.push_str(&format!("{url}\n\n"));
    }
    text.push_str(footer);
    text.push_str("\n\n— Resume2Website\n");

    let dir = if lang == Lang::He { "rtl" } else { "ltr" };
    let button = action.map_or_else(String::new, |(url, label)| {
        format!(
            "<p><a href=\"{href}\" style=\"display:inline-block;padding:10px 16px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:6px\">{label}</a></p>\n<p style=\"font-size:13px;color:#444\">{href}</p>\n",
            href = escape(url.as_str()),
            label = escape(label)
        )
    });
    let html = format!(
        "<!doctype html>\n<html lang=\"{tag}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\n<body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:560px;margin:24px auto;padding:0 16px\">\n<p>{body}</p>\n{button}<p style=\"font-size:13px;color:#444\">{footer}</p>\n<p>— Resume2Website</p>\n</body></html>\n",
        tag = lang.tag(),
        subject = escape(subject),
        body = escape(body),
        footer = escape(footer),
    );
    Mail { to: to.clone(), subject: subject.to_owned(), text, html }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_says_the_same_in_text_and_html_and_keeps_its_token_out_of_requests() {
        let app = Url::parse("https://app.example.com/").expect("url");
        let to = Email::parse("ada@example.com").expect("email");
        let url = link(&app, "verify-email", "t0k3n");
        assert_eq!(url.as_str(), "https://app.example.com/verify-email#token=t0k3n");
        for lang in [Lang::En, Lang::Es, Lang::De, Lang::Fr, Lang::He] {
            let mail = verify_email(lang, &to, &url);
            assert!(mail.text.contains(url.as_str()) && mail.html.contains(url.as_str()), "{lang:?}");
            assert!(mail.html.contains(&format!("lang=\"{}\"", lang.tag())));
            assert!(!mail.html.contains("<img"), "no tracking pixel");
        }
        assert!(verify_email(Lang::He, &to, &url).html.contains("dir=\"rtl\""));
        let moved = email_changed(Lang::En, &to, &Email::parse("a<b>@example.com").unwrap_or(to.clone()));
        assert!(!moved.html.contains("<b>"), "addresses are escaped");
    }
}
