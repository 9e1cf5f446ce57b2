"""Language-assistance taglines for determination letters. Pure: no Django.

Section 1557 of the Affordable Care Act (45 CFR 92.11, 2024 rule) and ACA section 2719(e) ask a
plan to tell people, in significant communications such as a determination letter, that free
language assistance and appropriate auxiliary aids and services are available: in English, and
in short statements ("taglines") in at least the 15 languages most spoken by people with limited
English proficiency (LEP) in the plan's state.

The taglines are the US Department of Health and Human Services Office for Civil Rights (HHS OCR)
sample translations of "ATTENTION: If you speak [language], language assistance services, free
of charge, are available to you. Call 1-xxx-xxx-xxxx (TTY: 1-xxx-xxx-xxxx).", as health plans
and providers reproduce them in their nondiscrimination notices. Each text below is copied from
the source named beside it; only the source's telephone numbers are replaced by the placeholders
{phone} and {tty}. Nothing here is our own translation.

Sources (public GitHub files, as stored by the code search index; "index id" where the index
could not name the repository):
  [PM]  robert9907/plan-match-supplement, src/lib/section-1557.ts (commit 4be4eef9)
  [THH] dtarditi51/thh-patient-app, data/legal.ts (commit 7f858b6e): a New Jersey practice's
        Section 1557 taglines, "HHS's standard sample wording"
  [GPS] kirkrogersdev/gps-doctor-site, src/pages/Nondiscrimination.tsx (commit 77e51d3d):
        "the 15 languages most commonly spoken by individuals with limited English
        proficiency in Illinois"; each tagline is followed by the phone number
  [GDX] GeneDx patient portal translations, index id 19062264479: a laboratory's notice
        (Spanish, Chinese, Russian, Korean, Italian, French, German, Polish, Vietnamese);
        agrees with [PM]/[THH] word for word
  [CA]  ProHealth Home Care site generator, index id 55455560853: the California top-15
        taglines (first sentence only; its Arabic keeps HHS's own placeholder "اذكر اللغة",
        "state the language", which plans replace with the language's name)
  [NY]  Wellthrivea New York nondiscrimination page, index id 57977610199 (first sentence only)
  [A11Y] an accessibility checker's test suite, index id 68298036430 (first sentence only)

Where a source gives only the first sentence of a tagline (marked "sentence only"), the text
ends with the bare number, " {phone} (TTY: {tty})", rather than a "call" phrase we would
otherwise have to write ourselves.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tagline:
    code: str  # a BCP 47 language tag, for the lang attribute
    language: str  # the language's English name
    native_name: str  # the language's own name for itself
    text: str  # the tagline, with {phone} and {tty} placeholders
    direction: str = "ltr"  # "ltr" or "rtl"


# Left-to-right isolate ... pop directional isolate (Unicode bidi controls, invisible). In a
# right-to-left tagline they keep a number such as 1-800-555-0100 in one piece: after Arabic
# letters the bidi algorithm reads its digits as Arabic numbers, which a hyphen does not join, and
# would print it 0100-555-800-1.
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


def _t(code, language, native_name, text, direction="ltr"):
    return code, Tagline(code, language, native_name, text, direction)


TAGLINES: dict[str, Tagline] = dict(
    [
        # [PM]; the same words in [THH], [GPS], [GDX], [CA], [NY].
        _t("es", "Spanish", "Español",
           "ATENCIÓN: si habla español, tiene a su disposición servicios gratuitos de asistencia "
           "lingüística. Llame al {phone} (TTY: {tty})."),
        # [THH]; the same words in [GPS], [GDX], [A11Y].
        _t("pl", "Polish", "Polski",
           "UWAGA: Jeżeli mówisz po polsku, możesz skorzystać z bezpłatnej pomocy językowej. "
           "Zadzwoń pod numer {phone} (TTY: {tty})."),
        # [PM]; the same words in [THH], [GPS], [GDX], [CA], [NY].
        _t("zh-Hant", "Chinese (Traditional)", "繁體中文",
           "注意：如果您使用繁體中文，您可以免費獲得語言援助服務。請致電 {phone}（TTY：{tty}）。"),
        # [PM]; the same words in [THH], [GPS], [GDX], [CA], [NY].
        _t("ko", "Korean", "한국어",
           "주의: 한국어를 사용하시는 경우, 언어 지원 서비스를 무료로 이용하실 수 있습니다. "
           "{phone} (TTY: {tty}) 번으로 전화해 주십시오."),
        # [PM]; the same words in [THH], [GPS], [CA], [NY].
        _t("tl", "Tagalog", "Tagalog",
           "PAUNAWA: Kung nagsasalita ka ng Tagalog, maaari kang gumamit ng mga serbisyo ng tulong "
           "sa wika nang walang bayad. Tumawag sa {phone} (TTY: {tty})."),
        # [THH]; the same first sentence in [GPS] and [NY]. ([PM] writes "اللغة العربية".)
        _t("ar", "Arabic", "العربية",
           "ملحوظة: إذا كنت تتحدث العربية، فإن خدمات المساعدة اللغوية تتوافر لك بالمجان. "
           "اتصل برقم {phone} (رقم هاتف الصم والبكم: {tty}).", "rtl"),
        # [THH]; the same first sentence in [PM], [GPS], [GDX], [CA].
        _t("ru", "Russian", "Русский",
           "ВНИМАНИЕ: Если вы говорите на русском языке, то вам доступны бесплатные услуги "
           "перевода. Звоните {phone} (телетайп: {tty})."),
        # [GPS], with [THH]'s "(TTY: ...)"; [THH] spells the first word "સૂચના".
        _t("gu", "Gujarati", "ગુજરાતી",
           "સુચના: જો તમે ગુજરાતી બોલતા હો, તો નિ:શુલ્ક ભાષા સહાય સેવાઓ તમારા માટે ઉપલબ્ધ છે. "
           "ફોન કરો {phone} (TTY: {tty})."),
        # [PM]; the same words in [THH] and [GPS], which close up "ہیں۔".
        _t("ur", "Urdu", "اردو",
           "خبردار: اگر آپ اردو بولتے ہیں، تو آپ کو زبان کی مدد کی خدمات مفت میں دستیاب ہیں ۔ "
           "کال کریں {phone} (TTY: {tty}).", "rtl"),
        # [PM]; the same words in [THH], [GPS], [GDX], [CA].
        _t("vi", "Vietnamese", "Tiếng Việt",
           "CHÚ Ý: Nếu bạn nói Tiếng Việt, có các dịch vụ hỗ trợ ngôn ngữ miễn phí dành cho bạn. "
           "Gọi số {phone} (TTY: {tty})."),
        # [THH]; the same words in [GPS], [GDX], [NY].
        _t("it", "Italian", "Italiano",
           "ATTENZIONE: In caso la lingua parlata sia l'italiano, sono disponibili servizi di "
           "assistenza linguistica gratuiti. Chiamare il numero {phone} (TTY: {tty})."),
        # [PM]; the same words in [THH]; the same first sentence in [GPS], [CA].
        _t("hi", "Hindi", "हिन्दी",
           "ध्यान दें: यदि आप हिंदी बोलते हैं तो आपके लिए मुफ्त में भाषा सहायता सेवाएं उपलब्ध हैं। "
           "{phone} (TTY: {tty}) पर कॉल करें।"),
        # [PM]; the same words in [GPS] and [GDX].
        _t("fr", "French", "Français",
           "ATTENTION : Si vous parlez français, des services d'aide linguistique vous sont "
           "proposés gratuitement. Appelez le {phone} (ATS : {tty})."),
        # [GPS] (the number follows "Καλέστε"); the same first sentence in [A11Y].
        _t("el", "Greek", "Ελληνικά",
           "ΠΡΟΣΟΧΗ: Αν μιλάτε ελληνικά, στη διάθεσή σας βρίσκονται υπηρεσίες γλωσσικής "
           "υποστήριξης, οι οποίες παρέχονται δωρεάν. Καλέστε {phone} (TTY: {tty})."),
        # [PM]; the same words in [GPS], [GDX], [NY].
        _t("de", "German", "Deutsch",
           "ACHTUNG: Wenn Sie Deutsch sprechen, stehen Ihnen kostenlos sprachliche "
           "Hilfsdienstleistungen zur Verfügung. Rufnummer: {phone} (TTY: {tty})."),
        # [THH]; the same first sentence in [NY] and [A11Y].
        _t("ht", "Haitian Creole", "Kreyòl Ayisyen",
           "ATANSYON: Si w pale Kreyòl Ayisyen, gen sèvis èd pou lang ki disponib gratis pou ou. "
           "Rele {phone} (TTY: {tty})."),
        # [THH]; the same words in [A11Y].
        _t("pt", "Portuguese", "Português",
           "ATENÇÃO: Se fala português, encontram-se disponíveis serviços linguísticos, grátis. "
           "Ligue para {phone} (TTY: {tty})."),
        # [PM]; the same first sentence in [CA] and [A11Y].
        _t("ja", "Japanese", "日本語",
           "注意事項：日本語を話される場合、無料の言語支援をご利用いただけます。"
           "{phone}（TTY：{tty}）まで、お電話にてご連絡ください。"),
        # [PM]; the same first sentence in [CA] and [A11Y].
        _t("fa", "Persian (Farsi)", "فارسی",
           "توجه: اگر به زبان فارسی گفتگو می کنید، تسهیلات زبانی بصورت رایگان برای شما فراهم می "
           "باشد. با {phone} (TTY: {tty}) تماس بگیرید.", "rtl"),
        # [PM]; the same first sentence in [A11Y] ([CA] shortens it).
        _t("km", "Khmer (Cambodian)", "ខ្មែរ",
           "ប្រយ័ត្ន៖ បើសិនជាអ្នកនិយាយ ភាសាខ្មែរ, សេវាជំនួយផ្នែកភាសា ដោយមិនគិតឈ្នួល "
           "គឺអាចមានសំរាប់បំរើអ្នក។ ចូរ ទូរស័ព្ទ {phone} (TTY: {tty})។"),
        # [PM]; the same first sentence in [CA].
        _t("hmn", "Hmong", "Hmoob",
           "LUS CEEV: Yog tias koj hais lus Hmoob, cov kev pab txog lus, muaj kev pab dawb rau "
           "koj. Hu rau {phone} (TTY: {tty})."),
        # [CA], sentence only; the same sentence in [A11Y] (which ends it with ":").
        _t("hy", "Armenian", "Հայերեն",
           "ՈՒՇԱԴՐՈՒԹՅՈՒՆ՝ Եթե խոսում եք հայերեն, ապա ձեզ անվճար կարող են տրամադրվել "
           "լեզվական աջակցության ծառայություններ։ {phone} (TTY: {tty})"),
        # [CA], sentence only; the same sentence in [A11Y].
        _t("pa", "Punjabi", "ਪੰਜਾਬੀ",
           "ਧਿਆਨ ਦਿਓ: ਜੇ ਤੁਸੀਂ ਪੰਜਾਬੀ ਬੋਲਦੇ ਹੋ, ਤਾਂ ਭਾਸ਼ਾ ਵਿੱਚ ਸਹਾਇਤਾ ਸੇਵਾ ਤੁਹਾਡੇ ਲਈ ਮੁਫਤ ਉਪਲਬਧ "
           "ਹੈ। {phone} (TTY: {tty})"),
        # [CA], sentence only; the same sentence in [A11Y] (without the space).
        _t("th", "Thai", "ไทย",
           "เรียน: ถ้าคุณพูดภาษาไทย คุณสามารถใช้บริการช่วยเหลือทางภาษาได้ฟรี {phone} (TTY: {tty})"),
        # [NY], sentence only. ([A11Y] has a different Bengali sentence, not the HHS one.)
        _t("bn", "Bengali", "বাংলা",
           "লক্ষ্য করুনঃ যদি আপনি বাংলা কথা বলতে পারেন, তাহলে নিঃখরচায় ভাষা সহায়তা পরিষেবা উপলব্ধ "
           "আছে। {phone} (TTY: {tty})"),
        # [NY], sentence only; the number, ours, is isolated left to right as a whole.
        _t("yi", "Yiddish", "ייִדיש",
           "אויפמערקזאם: אויב איר רעדט אידיש, זענען פארהאן פאר אייך שפראך הילף סערוויסעס פריי "
           "פון אפצאל. " + LTR_ISOLATE + "{phone} (TTY: {tty})" + POP_ISOLATE, "rtl"),
        # [A11Y], sentence only.
        _t("am", "Amharic", "አማርኛ",
           "ማስታወሻ: የሚናገሩት ቋንቋ ኣማርኛ ከሆነ የትርጉም እርዳታ ድርጅቶች፣ በነጻ ሊያግዝዎት ተዘጋጀተዋል። "
           "{phone} (TTY: {tty})"),
        # [A11Y], sentence only.
        _t("uk", "Ukrainian", "Українська",
           "УВАГА! Якщо ви розмовляєте українською мовою, ви можете звернутися до безкоштовної "
           "служби мовної підтримки. {phone} (TTY: {tty})"),
    ]
)

# The top 15 languages spoken by people with limited English proficiency, by state, in HHS OCR's
# order. HHS OCR published its list for every state with its Section 1557 tagline FAQs (2016:
# "Frequently Asked Questions to Accompany the Estimates of at Least the Top 15 Languages Spoken
# by Individuals with Limited English Proficiency", hhs.gov/civil-rights/for-individuals/
# section-1557/1557faqs/top15-languages/, archived at public3.pagefreezer.com/content/HHS.gov/
# 17-08-2021T06:42/). The lists below are as the sources reproduce them:
#   IL: [GPS], "the 15 languages most commonly spoken by individuals with limited English
#       proficiency in Illinois", in its order.
#   CA: [CA], a California home-care agency's top-15 list, in its order.
STATE_LISTS: dict[str, tuple[str, ...]] = {
    "IL": ("es", "pl", "zh-Hant", "ko", "tl", "ar", "ru", "gu", "ur", "vi", "it", "hi", "fr", "el", "de"),
    "CA": ("es", "zh-Hant", "vi", "tl", "ko", "hy", "ru", "fa", "ja", "hmn", "pa", "ar", "hi", "th", "km"),
}

DEFAULT_STATE = "IL"

# In the words of HHS's sample notice of availability (45 CFR 92.11(b)) and sample notice of
# nondiscrimination: what every letter says in English before the taglines.
ENGLISH_NOTICE = (
    "ATTENTION: If you speak a language other than English, language assistance services, free "
    "of charge, are available to you. Appropriate auxiliary aids and services to provide "
    "information in accessible formats, such as large print, braille and audio, are also "
    "available free of charge. Call {phone} (TTY: {tty}). We comply with applicable Federal civil "
    "rights laws and do not discriminate on the basis of race, color, national origin, age, "
    "disability, or sex."
)


def default_languages() -> tuple[str, ...]:
    return STATE_LISTS[DEFAULT_STATE]


def english_notice(phone: str, tty: str) -> str:
    return ENGLISH_NOTICE.format(phone=phone, tty=tty)


def taglines_for(codes, phone: str, tty: str) -> list[tuple[Tagline, str]]:
    """The taglines for `codes`, in that order, with the plan's numbers filled in."""
    filled = []
    for code in codes:
        try:
            tagline = TAGLINES[code]
        except KeyError:
            raise KeyError(f"no tagline for the language code {code!r}") from None
        if tagline.direction == "rtl":
            numbers = {"phone": LTR_ISOLATE + phone + POP_ISOLATE, "tty": LTR_ISOLATE + tty + POP_ISOLATE}
        else:
            numbers = {"phone": phone, "tty": tty}
        filled.append((tagline, tagline.text.format(**numbers)))
    return filled
