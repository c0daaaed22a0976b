/*
 * web/i18n.c - the pages in French and English: every string a reader sees
 * comes from the table below, by message id, and dates are written the way
 * each language writes them ("1er novembre 2014", "20 November 2014").
 * Event pages speak the event's language; the others pick from
 * Accept-Language, French first: the project was born in Québec.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web_int.h"

static const char *const catalog[MSG_N][2] = {
    [MSG_LANG_CODE] = {"fr", "en"},
    [MSG_SITE_TAGLINE] = {"Couverture en direct et résumés d’événements",
                          "Live coverage and recaps of events"},
    [MSG_NAV_HOME] = {"Accueil", "Home"},
    [MSG_NAV_SEARCH] = {"Rechercher", "Search"},
    [MSG_SEARCH_LABEL] = {"Rechercher dans les messages", "Search the posts"},
    [MSG_SEARCH_BUTTON] = {"Rechercher", "Search"},
    [MSG_FOOTER] = {"Propulsé par gazouillis, logiciel libre auto-hébergé.",
                    "Powered by gazouillis, self-hosted free software."},
    [MSG_HOME_TITLE] = {"Événements", "Events"},
    [MSG_HOME_LIVE] = {"En direct", "Live now"},
    [MSG_HOME_UPCOMING] = {"À venir", "Upcoming"},
    [MSG_HOME_RECAPS] = {"Résumés publiés", "Published recaps"},
    [MSG_HOME_PAST] = {"Événements passés", "Past events"},
    [MSG_HOME_EMPTY] = {"Aucun événement pour l’instant.", "No events yet."},
    [MSG_STATE_LIVE] = {"En direct", "Live"},
    [MSG_STATE_ENDED] = {"Terminé", "Ended"},
    [MSG_STATE_PUBLISHED] = {"Résumé publié", "Recap published"},
    [MSG_READ_RECAP] = {"Lire le résumé", "Read the recap"},
    [MSG_FOLLOW_LIVE] = {"Suivre en direct", "Follow live"},
    [MSG_EVENT_POSTS] = {"Messages", "Posts"},
    [MSG_EVENT_NO_POSTS] = {"Aucun message pour l’instant.", "No posts yet."},
    [MSG_OLDER_POSTS] = {"Messages plus anciens", "Older posts"},
    [MSG_EXPORTS] = {"Exporter", "Export"},
    [MSG_EXPORT_MD] = {"Markdown", "Markdown"},
    [MSG_EXPORT_HTML] = {"Page autonome (HTML)", "Standalone page (HTML)"},
    [MSG_EXPORT_JSON] = {"Document JSON", "JSON document"},
    [MSG_EXPORT_ATOM] = {"Fil Atom", "Atom feed"},
    [MSG_AUDIENCE] = {"L’assemblée", "The audience"},
    [MSG_VENUE] = {"Lieu", "Venue"},
    [MSG_SERIES] = {"Dans le cadre de : %s", "Part of: %s"},
    [MSG_ATTENDANCE] = {"%lld participants", "%lld attendees"},
    [MSG_HASHTAG] = {"Mot-clic", "Hashtag"},
    [MSG_RECAP_TITLE_SUFFIX] = {"résumé", "recap"},
    [MSG_CONTEXT] = {"La mise en contexte", "Context"},
    [MSG_PANELISTS] = {"Les panélistes", "Panelists"},
    [MSG_MODERATOR] = {"Animation", "Moderator"},
    [MSG_MODERATORS] = {"Animation", "Moderators"},
    [MSG_OTHER_SPEAKERS] = {"Ont aussi pris la parole", "Also speaking"},
    [MSG_ORGANIZERS] = {"Organisé par", "Organized by"},
    [MSG_SPONSORS] = {"Commanditaires", "Sponsors"},
    [MSG_SUPPLIERS] = {"Fournisseurs", "Suppliers"},
    [MSG_PARTNERS] = {"Partenaires", "Partners"},
    [MSG_PEOPLE] = {"Les intervenants", "Speakers"},
    [MSG_ORGANIZATIONS] = {"Organisateurs et partenaires", "Organizers and partners"},
    [MSG_DISCLAIMER] = {"Mise en garde", "Disclaimer"},
    [MSG_RECAP_POST_ONE] = {"1 message en %d caractères", "1 post in %d characters"},
    [MSG_RECAP_POSTS] = {"%zu messages en %d caractères", "%zu posts in %d characters"},
    [MSG_CONCLUSION] = {"Conclusion", "Conclusion"},
    [MSG_SIGNED] = {"Signé", "Signed"},
    [MSG_BACK_TO_EVENT] = {"Voir l’événement", "See the event"},
    [MSG_TAG_TITLE] = {"Messages avec #%s", "Posts tagged #%s"},
    [MSG_TAG_EMPTY] = {"Aucun message avec ce mot-clic.", "No posts with this hashtag."},
    [MSG_PROFILE_POSTS] = {"Messages", "Posts"},
    [MSG_PROFILE_EMPTY] = {"Aucun message public.", "No public posts."},
    [MSG_PROFILE_EDIT] = {"Modifier le profil", "Edit profile"},
    [MSG_PROFILE_TITLE] = {"Votre profil", "Your profile"},
    [MSG_PROFILE_NAME] = {"Nom affiché", "Name shown"},
    [MSG_PROFILE_NAME_HINT] = {"Sur vos messages et votre profil, 30 caractères au plus. "
                               "Vide, c’est votre nom d’utilisateur qui s’affiche.",
                               "On your posts and profile, at most 30 characters. "
                               "Left empty, your username is shown."},
    [MSG_PROFILE_NOTE] = {"À propos de vous", "About you"},
    [MSG_PROFILE_NOTE_HINT] = {"500 caractères au plus ; les adresses web deviennent des liens.",
                               "At most 500 characters; web addresses become links."},
    [MSG_PROFILE_SAVE] = {"Enregistrer", "Save"},
    [MSG_PROFILE_REFUSED] = {"Le profil n’a pas été enregistré : le nom affiché compte 30 "
                             "caractères au plus, la note 500, et aucun ne peut contenir de "
                             "caractère de contrôle ni de texte qui ne soit pas UTF-8.",
                             "The profile was not saved: the name shown holds at most 30 "
                             "characters, the note 500, and neither may hold a control character "
                             "or bytes that are not UTF-8 text."},
    [MSG_SEARCH_TITLE] = {"Recherche", "Search"},
    [MSG_SEARCH_ONE] = {"Un résultat pour « %s »", "One result for “%s”"},
    [MSG_SEARCH_RESULTS] = {"%zu résultats pour « %s »", "%zu results for “%s”"},
    [MSG_SEARCH_NONE] = {"Aucun message ne contient « %s ».", "No post contains “%s”."},
    [MSG_SEARCH_HINT] = {"Les accents et la casse ne comptent pas : « cooperer » trouve "
                         "« Coopérer ».",
                         "Accents and case do not matter: “cooperer” finds “Coopérer”."},
    [MSG_IN_EVENT] = {"dans", "in"},
    [MSG_NOT_FOUND_TITLE] = {"Page introuvable", "Page not found"},
    [MSG_NOT_FOUND_TEXT] = {"Il n’y a rien à cette adresse.", "There is nothing at this address."},
    [MSG_ERROR_TITLE] = {"Erreur du serveur", "Server error"},
    [MSG_ERROR_TEXT] = {"Le serveur n’a pas pu répondre. Réessayez dans un moment.",
                        "The server could not answer. Try again in a moment."},
    [MSG_DISK_FULL_TITLE] = {"Disque plein", "Disk full"},
    [MSG_DISK_FULL_TEXT] = {"Le disque du serveur est plein : rien n’a été enregistré. Réessayez "
                            "quand de l’espace aura été libéré.",
                            "The server’s disk is full: nothing was saved. Try again once space "
                            "has been freed."},
    [MSG_DISK_FULL_REASON] = {"le disque du serveur est plein, rien n’a été enregistré",
                              "the server’s disk is full, nothing was saved"},
    [MSG_UNAVAILABLE_TEXT] = {"Le serveur n’a pas pu se servir de son disque à l’instant : rien "
                              "n’a été enregistré. Réessayez dans un moment.",
                              "The server could not use its disk just now: nothing was saved. "
                              "Try again in a moment."},
    [MSG_SIGN_IN] = {"Se connecter", "Sign in"},
    [MSG_SIGN_OUT] = {"Se déconnecter", "Sign out"},
    [MSG_SIGNED_IN_AS] = {"Connecté : %s", "Signed in as %s"},
    [MSG_USERNAME] = {"Nom d’utilisateur", "Username"},
    [MSG_PASSWORD] = {"Mot de passe", "Password"},
    [MSG_LOGIN_FAILED] = {"Nom d’utilisateur ou mot de passe incorrect.",
                          "Wrong username or password."},
    [MSG_LOGIN_LIMITED] = {"Trop de tentatives échouées. Réessayez dans %u secondes.",
                           "Too many failed attempts. Try again in %u seconds."},
    [MSG_BAD_FORM] = {"Ce formulaire est mal formé.", "This form is malformed."},
    [MSG_FORM_REFUSED_TITLE] = {"Formulaire refusé", "Form refused"},
    [MSG_CSRF_TEXT] = {"Ce formulaire a expiré ou ne vient pas de ce site (jeton CSRF absent ou "
                       "invalide). Rechargez la page et réessayez.",
                       "This form has expired or did not come from this site (missing or "
                       "invalid CSRF token). Reload the page and try again."},
    [MSG_FORBIDDEN_TITLE] = {"Accès refusé", "Forbidden"},
    [MSG_SIGN_IN_FIRST] = {"Connectez-vous d’abord pour envoyer ce formulaire.",
                           "Sign in first to send this form."},
    [MSG_NOT_EDITOR] = {"Seuls les éditeurs de l’événement et les administrateurs y publient.",
                        "Only the event’s editors and the admins post to it."},
    [MSG_NOT_CREATOR] = {"Seuls les administrateurs et les éditeurs créent des événements.",
                         "Only admins and editors create events."},
    [MSG_COMPOSER_TITLE] = {"Écrire un message", "Write a post"},
    [MSG_COMPOSER_TEXT] = {"Message", "Post"},
    [MSG_COMPOSER_SPEAKER] = {"Qui parle", "Speaker"},
    [MSG_SPEAKER_NOBODY] = {"Personne", "Nobody"},
    [MSG_AUDIENCE_COMMENT] = {"Commentaire de l'assemblée", "Audience comment"},
    [MSG_COMPOSER_REMAINING] = {"caractères restants", "characters left"},
    [MSG_COMPOSER_HASHTAG] = {"Le mot-clic #%s est ajouté s’il manque.",
                              "The hashtag #%s is added when missing."},
    [MSG_COMPOSER_FORCE] = {"Publier quand même, au-delà de la limite",
                            "Post anyway, over the limit"},
    [MSG_COMPOSER_SUBMIT] = {"Publier", "Post"},
    [MSG_POST_TOO_LONG] = {"Le message fait %d caractères ; la limite est de %d.",
                           "The post is %d characters; the limit is %d."},
    [MSG_POST_REFUSED] = {"Le message n’a pas pu être publié : %s",
                          "The post could not be published: %s"},
    [MSG_NEW_EVENT] = {"Nouvel événement", "New event"},
    [MSG_EVENT_TITLE] = {"Titre", "Title"},
    [MSG_EVENT_SLUG] = {"Adresse", "Address"},
    [MSG_EVENT_SLUG_HINT] = {"Lettres minuscules, chiffres et tirets : /e/adresse",
                             "Lowercase letters, digits and dashes: /e/address"},
    [MSG_EVENT_LANG] = {"Langue", "Language"},
    [MSG_LANG_FR] = {"Français", "French"},
    [MSG_LANG_EN] = {"Anglais", "English"},
    [MSG_EVENT_LIMIT] = {"Limite de caractères", "Character limit"},
    [MSG_EVENT_STARTS] = {"Début", "Starts"},
    [MSG_EVENT_OFFSET] = {"Décalage UTC", "UTC offset"},
    [MSG_EVENT_STATE] = {"État", "State"},
    [MSG_EVENT_AUDIENCE_POSTS] = {"Pendant l’événement, les membres connectés peuvent publier",
                                  "While the event is live, signed-in members may post"},
    [MSG_EVENT_MODERATION] = {"Leurs publications attendent l’approbation d’un éditeur",
                              "Their posts wait for an editor’s approval"},
    [MSG_STATE_DRAFT] = {"Brouillon", "Draft"},
    [MSG_EVENT_CREATE] = {"Créer l’événement", "Create the event"},
    [MSG_EVENT_REFUSED] = {"L’événement n’a pas pu être créé : %s",
                           "The event could not be created: %s"},
    [MSG_WRITE] = {"Écrire", "Write"},
    [MSG_EDIT_EVENT] = {"Modifier l’événement", "Edit the event"},
    [MSG_WALL_LINK] = {"Mur de projection", "Projector wall"},
    [MSG_MODERATE_LINK] = {"Modération", "Moderation"},
    [MSG_NEW_POSTS_ONE] = {"1 nouvelle publication ↑", "1 new post ↑"},
    [MSG_NEW_POSTS_MANY] = {"{n} nouvelles publications ↑", "{n} new posts ↑"},
    [MSG_WALL_JOIN] = {"Suivez et participez :", "Follow and join in:"},
    [MSG_MODERATE_TITLE] = {"Publications du public en attente", "Audience posts waiting"},
    [MSG_MODERATE_HINT] = {"Approuvées, elles paraissent sur la page et le mur ; masquées, "
                           "nulle part. La liste se met à jour seule.",
                           "Approved, they appear on the page and the wall; hidden, nowhere. "
                           "The list updates itself."},
    [MSG_MODERATE_EMPTY] = {"Rien n’attend.", "Nothing is waiting."},
    [MSG_APPROVE] = {"Approuver", "Approve"},
    [MSG_HIDE] = {"Masquer", "Hide"},
    [MSG_POST_PENDING] = {"Merci ! Votre publication paraîtra après l’approbation d’un éditeur.",
                          "Thank you! Your post will appear once an editor approves it."},
    [MSG_MODERATE_OFF] = {"La modération n’est pas activée pour cet événement : les publications "
                          "du public paraissent aussitôt.",
                          "Moderation is off for this event: audience posts appear at once."},
    [MSG_EVENT_SAVE] = {"Enregistrer", "Save"},
    [MSG_EVENT_NOT_SAVED] = {"L’événement n’a pas été enregistré : %s",
                             "The event was not saved: %s"},
    [MSG_EVENT_BAD_UTF8] = {"« %s » n’est pas de l’UTF-8 valide", "'%s' is not valid UTF-8"},
    [MSG_EVENT_ENDS] = {"Fin", "Ends"},
    [MSG_EVENT_DATES_HINT] = {"Date, heure et décalage : 2014-11-20T18:00:00-05:00",
                              "Date, time and offset: 2014-11-20T18:00:00-05:00"},
    [MSG_EVENT_TIMEZONE] = {"Fuseau horaire (America/Montreal)", "Time zone (America/Montreal)"},
    [MSG_EVENT_SERIES] = {"Série", "Series"},
    [MSG_VENUE_NAME] = {"Lieu", "Venue"},
    [MSG_VENUE_ADDRESS] = {"Adresse du lieu", "Venue address"},
    [MSG_VENUE_URL] = {"Site du lieu", "Venue website"},
    [MSG_EVENT_ATTENDANCE] = {"Nombre de personnes présentes", "Attendance"},
    [MSG_EVENT_SIGNATURE] = {"Signature", "Signature"},
    [MSG_MARKDOWN_HINT] = {"Contexte, avertissement et conclusion s’écrivent en Markdown.",
                           "Context, disclaimer and conclusion are written in Markdown."},
    [MSG_PERSON] = {"Personne %zu", "Person %zu"},
    [MSG_PERSON_NAME] = {"Nom", "Name"},
    [MSG_PERSON_AFFILIATION] = {"Affiliation", "Affiliation"},
    [MSG_PERSON_ROLE] = {"Rôle", "Role"},
    [MSG_PERSON_ALIASES] = {"Autres noms (séparés par des virgules)",
                            "Other names (comma-separated)"},
    [MSG_PEOPLE_HINT] = {"Videz le nom d’une personne pour la retirer ; remplissez une ligne vide "
                         "pour en ajouter une.",
                         "Empty a person’s name to remove them; fill an empty row to add one."},
    [MSG_ORG] = {"Organisation %zu", "Organization %zu"},
    [MSG_ORG_KIND] = {"Type", "Kind"},
    [MSG_ORG_NAME] = {"Nom", "Name"},
    [MSG_ORGS_HINT] = {"Videz le nom d’une organisation pour la retirer.",
                       "Empty an organization’s name to remove it."},
    [MSG_URL] = {"Adresse web", "Web address"},
    [MSG_ROLE_PANELIST] = {"Panéliste", "Panelist"},
    [MSG_ROLE_MODERATOR] = {"Animation", "Moderator"},
    [MSG_ROLE_SPEAKER] = {"Conférence", "Speaker"},
    [MSG_ROLE_HOST] = {"Accueil", "Host"},
    [MSG_ROLE_ORGANIZER] = {"Organisation", "Organizer"},
    [MSG_KIND_ORGANIZER] = {"Organisateur", "Organizer"},
    [MSG_KIND_SPONSOR] = {"Commanditaire", "Sponsor"},
    [MSG_KIND_SUPPLIER] = {"Fournisseur", "Supplier"},
    [MSG_KIND_PARTNER] = {"Partenaire", "Partner"},
    [MSG_POST_EDIT] = {"Modifier", "Edit"},
    [MSG_POST_DELETE] = {"Supprimer", "Delete"},
    [MSG_EDIT_POST] = {"Modifier le message", "Edit the post"},
    [MSG_POST_SAVE] = {"Enregistrer", "Save"},
    [MSG_NOT_AUTHOR] = {"Seuls son auteur et les administrateurs modifient un message.",
                        "Only its author and the admins change a post."},
    [MSG_POST_NOT_SAVED] = {"Le message n’a pas pu être enregistré : %s",
                            "The post could not be saved: %s"},
    [MSG_COMMENTS_NONE] = {"Aucune réflexion pour l’instant.", "No comments yet."},
    [MSG_COMMENTS_ONE] = {"1 réflexion", "1 comment"},
    [MSG_COMMENTS_MANY] = {"%lld réflexions", "%lld comments"},
    [MSG_COMMENTS_HEADING] = {"Réflexions", "Comments"},
    [MSG_COMMENTS_OLDEST] = {"Plus anciennes d’abord", "Oldest first"},
    [MSG_COMMENTS_NEWEST] = {"Plus récentes d’abord", "Newest first"},
    [MSG_COMMENT_DELETED] = {"Commentaire supprimé.", "Comment deleted."},
    [MSG_COMMENT_IN_REPLY] = {"en réponse à %s", "in reply to %s"},
    [MSG_COMMENT_REPLY] = {"Répondre", "Reply"},
    [MSG_COMMENT_EDIT] = {"Modifier", "Edit"},
    [MSG_COMMENT_DELETE] = {"Supprimer", "Delete"},
    [MSG_COMMENT_EDITED] = {"modifié", "edited"},
    [MSG_COMMENT_GUEST] = {"invité", "guest"},
    [MSG_LIKE] = {"J’aime", "Like"},
    [MSG_LIKED] = {"Vous aimez", "Liked"},
    [MSG_LIKE_SIGN_IN] = {"Connectez-vous pour aimer", "Sign in to like"},
    [MSG_COMMENT_LEAVE] = {"Laisser une réflexion", "Leave a comment"},
    [MSG_COMMENT_REPLY_TO] = {"Répondre à %s", "Reply to %s"},
    [MSG_COMMENT_CANCEL_REPLY] = {"Annuler la réponse", "Cancel reply"},
    [MSG_COMMENT_BODY] = {"Votre réflexion", "Your comment"},
    [MSG_COMMENT_BODY_HINT] = {"Texte simple : une ligne vide sépare les paragraphes ; les liens "
                               "deviennent cliquables. 5 000 caractères au plus.",
                               "Plain text: a blank line starts a paragraph; links become "
                               "clickable. At most 5,000 characters."},
    [MSG_COMMENT_NAME] = {"Nom (obligatoire)", "Name (required)"},
    [MSG_COMMENT_EMAIL] =
        {"Courriel (facultatif, jamais affiché : seule son empreinte sert à l’avatar)",
         "Email (optional, never shown: only its hash draws the avatar)"},
    [MSG_COMMENT_HONEYPOT] = {"Laissez ce champ vide", "Leave this field empty"},
    [MSG_COMMENT_SUBMIT] = {"Publier", "Post comment"},
    [MSG_COMMENT_SAVE] = {"Enregistrer", "Save"},
    [MSG_COMMENT_PENDING] = {"Merci ! Votre réflexion sera publiée après approbation.",
                             "Thank you! Your comment will appear once approved."},
    [MSG_COMMENT_CLOSED] = {"Les réflexions sont fermées pour cet événement.",
                            "Comments are closed on this event."},
    [MSG_COMMENT_ENDED] = {"La période des réflexions est terminée.",
                           "The time for comments has ended."},
    [MSG_COMMENT_MEMBERS] = {"Connectez-vous pour laisser une réflexion.",
                             "Sign in to leave a comment."},
    [MSG_COMMENT_REFUSED] = {"Réflexion refusée : %s", "Comment refused: %s"},
    [MSG_CE_BANNED] = {"vous ne pouvez pas commenter cet événement",
                       "you may not comment on this event"},
    [MSG_CE_RATE] = {"trop de réflexions : réessayez dans %u secondes",
                     "too many comments: try again in %u seconds"},
    [MSG_CE_HONEYPOT] = {"le champ caché doit rester vide", "the hidden field must stay empty"},
    [MSG_CE_EMPTY] = {"la réflexion est vide", "the comment is empty"},
    [MSG_CE_TOO_LONG] = {"la réflexion compte %zu caractères, 5 000 au plus",
                         "the comment has %zu characters, at most 5,000"},
    [MSG_CE_BAD_TEXT] = {"le texte contient des caractères invalides",
                         "the text holds invalid characters"},
    [MSG_CE_NAME_MISSING] = {"un nom est requis", "a name is required"},
    [MSG_CE_NAME_TOO_LONG] = {"le nom est trop long (64 caractères au plus)",
                              "the name is too long (at most 64 characters)"},
    [MSG_CE_EMAIL_BAD] = {"le courriel n’est pas une adresse valide",
                          "the email is not a valid address"},
    [MSG_CE_PARENT] = {"la réflexion à laquelle vous répondez n’existe pas",
                       "the comment you reply to does not exist"},
    [MSG_CE_NOT_AUTHOR] = {"seul son auteur peut modifier ou supprimer une réflexion",
                           "only its author may change or delete a comment"},
    [MSG_CE_TOO_LATE] =
        {"une réflexion se modifie ou se supprime dans les 15 minutes suivant sa publication",
         "a comment may be changed or deleted only in the 15 minutes after it was posted"},
    [MSG_CE_STORE] = {"la réflexion n’a pas pu être enregistrée",
                      "the comment could not be stored"},
    [MSG_MODERATE_POSTS] = {"Messages en attente", "Posts waiting"},
    [MSG_MODERATE_COMMENTS] = {"Réflexions en attente", "Comments waiting"},
    [MSG_MODERATE_COMMENTS_EMPTY] = {"Aucune réflexion en attente.", "No comment waiting."},
    [MSG_SPAM] = {"Indésirable", "Spam"},
    [MSG_BAN_ADDRESS] = {"Bannir l’adresse", "Ban address"},
    [MSG_BAN_ACCOUNT] = {"Bannir le compte", "Ban account"},
    [MSG_EVENT_COMMENTS] = {"Réflexions sur le résumé", "Comments on the recap"},
    [MSG_COMMENTS_POLICY_CLOSED] = {"fermées", "closed"},
    [MSG_COMMENTS_POLICY_MEMBERS] = {"membres connectés seulement", "signed-in members only"},
    [MSG_COMMENTS_POLICY_GUESTS] =
        {"membres et invités (la première réflexion d’un invité attend une approbation)",
         "members and guests (a guest's first comment waits for approval)"},
    [MSG_EVENT_COMMENTS_UNTIL] = {"Réflexions permises jusqu’au (facultatif)",
                                  "Comments allowed until (optional)"},
    [MSG_EXPORT_COMMENTS_ATOM] = {"Fil Atom des réflexions", "Comments Atom feed"},
    [MSG_OAUTH_TITLE] = {"Autoriser une application", "Authorize an app"},
    [MSG_OAUTH_ASKS] = {"L’application « %s » demande à agir en votre nom (%s) :",
                        "The app “%s” asks to act for you (%s):"},
    [MSG_OAUTH_SCOPE_READ] = {"lire vos messages, vos comptes et vos notifications",
                              "read your posts, accounts and notifications"},
    [MSG_OAUTH_SCOPE_WRITE] = {"publier, modifier et supprimer des messages en votre nom",
                               "post, edit and delete posts for you"},
    [MSG_OAUTH_SCOPE_FOLLOW] = {"gérer vos abonnements", "manage whom you follow"},
    [MSG_OAUTH_SCOPE_PUSH] = {"vous envoyer des notifications", "send you notifications"},
    [MSG_OAUTH_SCOPE_OTHER] = {"et aussi : %s", "and also: %s"},
    [MSG_OAUTH_ALLOW] = {"Autoriser", "Authorize"},
    [MSG_OAUTH_DENY] = {"Refuser", "Deny"},
    [MSG_OAUTH_CODE] = {"Copiez ce code dans l’application :", "Copy this code into the app:"},
    [MSG_OAUTH_BAD] = {"Cette demande d’autorisation n’est pas valide : %s",
                       "This authorization request is not valid: %s"},
    [MSG_MEDIA_CREDIT] = {"Crédit de la photo", "Photo credit"},
    [MSG_MEDIA_CREDIT_SAVE] = {"Enregistrer", "Save"},
    [MSG_SPEAKER_AUTO] = {"D’après le texte (« Nom : … »)", "From the text (“Name: …”)"},
    [MSG_FILTER_SPEAKER] = {"Intervenant", "Speaker"},
    [MSG_FILTER_ALL] = {"Tous", "Everyone"},
    [MSG_FILTER_APPLY] = {"Filtrer", "Filter"},
    [MSG_WHO_SAID_WHAT] = {"Qui a dit quoi", "Who said what"},
    [MSG_RECAP_IN_ORDER] = {"Dans l’ordre", "In order"},
    [MSG_UNATTRIBUTED] = {"Sans intervenant nommé", "No speaker named"},
    [MSG_ACTIVITY] = {"Activité", "Activity"},
    [MSG_ACTIVITY_CAPTION] = {"Messages par tranche de cinq minutes, de %s à %s",
                              "Posts per five minutes, from %s to %s"},
    [MSG_SHARE] = {"Part des messages", "Share of the posts"},
    [MSG_POSTS_COUNT] = {"%zu messages", "%zu posts"},
    [MSG_IMPORT_TITLE] = {"Importer des messages", "Import messages"},
    [MSG_IMPORT_HINT] = {"Une liste (un message par ligne, « - » facultatif), l’archive Twitter "
                         "(le .zip, ou son data/tweets.js) ou l’export Mastodon (outbox.json). "
                         "Les intervenants sont trouvés dans le texte ; importer deux fois "
                         "n’ajoute rien.",
                         "A list (one message per line, “-” optional), a Twitter archive (the "
                         ".zip, or its data/tweets.js) or a Mastodon export (outbox.json). "
                         "Speakers are found in the words; importing twice adds nothing."},
    [MSG_IMPORT_FILE] = {"Fichier", "File"},
    [MSG_IMPORT_SUBMIT] = {"Importer", "Import"},
    [MSG_IMPORT_DONE] = {"%zu messages importés sur %zu", "%zu of %zu messages imported"},
    [MSG_IMPORT_REFUSED] = {"Rien n’a été importé : %s", "Nothing was imported: %s"},
    [MSG_IMPORT_NOTE] = {"élément %zu : %s", "item %zu: %s"},
    [MSG_TOOL_SHORTEN] = {"Raccourcir", "Shorten"},
    [MSG_TOOL_SPLIT] = {"Découper en fil", "Split into a thread"},
    [MSG_TOOL_USE] = {"Utiliser", "Use it"},
    [MSG_TOOL_DISMISS] = {"Fermer", "Dismiss"},
    [MSG_TOOL_POST_THREAD] = {"Publier le fil", "Post the thread"},
    [MSG_TOOL_CANNOT_FIT] = {"Même abrégé, le message dépasse la limite : voici le meilleur essai.",
                             "Even abbreviated, the post is over the limit: here is the best try."},
    [MSG_TOOL_FAILED] = {"La demande a échoué ; rien n’a changé.",
                         "The request failed; nothing changed."},
};

static const char *const months[2][12] = {
    {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
     "octobre", "novembre", "décembre"},
    {"January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"},
};

const char *
msg(enum web_lang lang, enum msg id)
{
    const char *s = (unsigned)id < MSG_N ? catalog[id][lang == LANG_EN] : NULL;

    return s != NULL ? s : "";
}

enum web_lang
web_lang_of(const char *code)
{
    return code != NULL && strncmp(code, "en", 2) == 0 ? LANG_EN : LANG_FR;
}

/*
 * Each comma-separated item is "tag[;q=weight]"; the tag's primary subtag
 * decides. The highest weight of fr or en wins, the first on a tie, and
 * fr when neither is named (or both are refused with q=0).
 */
enum web_lang
web_lang_accept(const char *header)
{
    enum web_lang best = LANG_FR;
    double best_q = 0;
    const char *p = header;

    while (p != NULL && *p != '\0') {
        const char *item = p, *end = strchr(p, ','), *q;
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        double weight = 1;

        while (len > 0 && (*item == ' ' || *item == '\t')) {
            item++;
            len--;
        }
        if ((q = memchr(item, ';', len)) != NULL) {
            const char *w = q;
            while ((w = memchr(w, 'q', len - (size_t)(w - item))) != NULL) {
                if (w[1] == '=') {
                    weight = strtod(w + 2, NULL);
                    break;
                }
                w++;
            }
        }
        if (len >= 2 && (len == 2 || item[2] == '-' || item[2] == ';' || item[2] == ' ')) {
            char a = (char)tolower((unsigned char)item[0]),
                 b = (char)tolower((unsigned char)item[1]);
            enum web_lang l = a == 'e' && b == 'n' ? LANG_EN : LANG_FR;
            if (((a == 'f' && b == 'r') || (a == 'e' && b == 'n')) && weight > best_q) {
                best = l;
                best_q = weight;
            }
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return best;
}

static bool
digits(const char *s, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool
web_time_parse(const char *s, struct web_time *out)
{
    int y, mo, d, h, mi, sec, oh, om;
    const char *p;

    if (s == NULL || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &sec))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return false;
    p = s + 19;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            ;
    if (*p == 'Z' && p[1] == '\0') {
        out->offset_min = 0;
    } else if ((*p == '+' || *p == '-') && digits(p + 1, 2, &oh) && p[3] == ':' &&
               digits(p + 4, 2, &om) && p[6] == '\0') {
        out->offset_min = (*p == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
        return false;
    }
    memset(&out->local, 0, sizeof(out->local));
    out->local.tm_year = y - 1900;
    out->local.tm_mon = mo - 1;
    out->local.tm_mday = d;
    out->local.tm_hour = h;
    out->local.tm_min = mi;
    out->local.tm_sec = sec;
    out->utc = timegm(&out->local) - (time_t)out->offset_min * 60;
    return true;
}

void
web_time_shift(struct web_time *t, int offset_min)
{
    time_t wall = t->utc + (time_t)offset_min * 60;

    gmtime_r(&wall, &t->local);
    t->offset_min = offset_min;
}

void
web_date_long(enum web_lang lang, const struct web_time *t, char *buf, size_t size)
{
    int m = t->local.tm_mon, d = t->local.tm_mday;

    if (m < 0 || m > 11) {
        snprintf(buf, size, "?");
        return;
    }
    if (lang == LANG_EN)
        snprintf(buf, size, "%d %s %d", d, months[1][m], t->local.tm_year + 1900);
    else
        snprintf(buf, size, "%d%s %s %d", d, d == 1 ? "er" : "", months[0][m],
                 t->local.tm_year + 1900);
}

void
web_time_short(enum web_lang lang, const struct web_time *t, char *buf, size_t size)
{
    if (lang == LANG_EN)
        snprintf(buf, size, "%02d:%02d", t->local.tm_hour, t->local.tm_min);
    else
        snprintf(buf, size, "%d h %02d", t->local.tm_hour, t->local.tm_min);
}

bool
web_when_text(enum web_lang lang, const char *starts_at, const char *ends_at, char *buf,
              size_t size)
{
    struct web_time start, end;
    char d1[64], d2[64], t1[32], t2[32];

    if (!web_time_parse(starts_at, &start))
        return false;
    web_date_long(lang, &start, d1, sizeof(d1));
    web_time_short(lang, &start, t1, sizeof(t1));
    if (!web_time_parse(ends_at, &end)) {
        snprintf(buf, size, "%s, %s", d1, t1);
        return true;
    }
    web_date_long(lang, &end, d2, sizeof(d2));
    web_time_short(lang, &end, t2, sizeof(t2));
    if (strcmp(d1, d2) != 0)
        snprintf(buf, size, "%s, %s – %s, %s", d1, t1, d2, t2);
    else
        snprintf(buf, size, "%s, %s – %s", d1, t1, t2);
    return true;
}
