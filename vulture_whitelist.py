"""Names vulture cannot see used, for `make lint`'s dead-code check (vulture; config in
pyproject.toml). Each group says who reads them. Never executed: vulture only parses it.

A new entry needs a reader named here; dead code is deleted, not listed.
"""

# Read by templates (Django's template language is invisible to vulture).
label_names  # triage/explain.py Example (case/_triage_signal.html)
_.duration_display  # cases.Call: workspace/_timeline.html
_.needs_attention  # mail.InboundEmail: mail/intake.html
_.has_amount  # outreach.MakeGood: outreach/_panel.html, make_goods.html
_.second_factor_owed  # request attribute: workspace/base.html
_.verification_note  # people.Identity: workspace/_side_panel.html
_._content  # requests.Response: social/mastodon.py sets the body its .json() and .text read
around_the_clock  # portal and desk page rows
can_chat  # portal.page.Reach: portal/_reach.html
basis
chat_query
_.help_text  # a form field's, set when the form is made (portal.forms.MessageForm): Django reads it
opens_at
at_iso  # workspace/timeline.py rows: _timeline.html
at_label
chip
delivery
can_split
auth_label
status_label  # workspace/views/inbox.py rows: inbox templates
priority_label
owner_name
channel_label
updated_iso
updated_title
updated_ago
call_first
due_label
other_customer  # care/forms.py: a form field, read through cleaned_data
seen_message  # workspace/forms.py ReplyForm: a form field, read through cleaned_data
agent_name  # api/tokens.py: TokenOut, serialised
photo_url  # api/account.py: ProfileOut, serialised

# Named by a dotted path in settings or the URL conf.
workspace  # TEMPLATES context processor (rapport/workspace/context.py)
locked_out  # AXES_LOCKOUT_CALLABLE
not_found  # handler404
bad_request  # handler400
handler400  # read by Django from the root URL conf
application  # WSGI_APPLICATION
USE_I18N

# Model fields: written by actions, read by the database (indexes, filters), admin or exports.
merged_into
_.merged_into
sla_warned_at
sla_breached_at
next_attempt_at
read_at
seen_at
taken_until
duplicate_of
_.duplicate_of
closed_at
finished_at
last_attempt_at
reached_at
colour
revoked_by
verification_note
first_failed_at  # jobs.DeferredItem: the record of a failing row, for an operator
last_failed_at
_.last_failed_at
warned_at  # care.Promise: claimed by the promise_warnings sweep, cleared by a reschedule
token_hash  # chat.Conversation: looked up by rapport/chat/access.py (filter by hash)
chat_capacity  # people.Agent: read by name in rapport/routing/service.py (_chat_room)

# API schema and report fields: serialised by Ninja/pydantic or asdict().
mail_error  # api/schemas/staff.py InvitationOut
generated_at  # api/staffing.py PlanOut
due_local
customer_text
specialist
introduction_message_id
invite_message_id
contact_page
verified
likely_duplicate
customer_events  # datacare erasure report
reply_code  # mail/autoreply.py verdict
reply_to  # mail/parse.py ParsedEmail, printed by `rapport parse-email --json`
corrections  # api/schemas/triage.py TriageOut
called_back_within_24h  # api/schemas/surveys.py SurveyOut, ResultsOut, ReferralsOut, DeskResultsOut
follow_up_status
follow_up_outcome
recommendations  # ... and surveys.selectors.Panel (surveys/_side_panel.html)
through_referral_links
by_agent
sent_now_by  # surveys.Survey: who sent it early, shown on surveys/_side_panel.html
_.sent_now_by

# Called by frameworks and the standard library.
uninstall_search_index  # cases/migrations/0002_search_index.py (migrations are not scanned)
acknowledge_case  # a queued task's name: jobs queued before acknowledgments moved still run
_.factory  # aiosmtpd Controller.factory (rapport/mail/smtp.py)
_.mtime  # tarfile.TarInfo (rapport/datacare/backup.py)
stealth_options  # Django BaseCommand
_.enforce_csrf_checks  # django.test.Client (tests/api/test_edge.py)
_.receive_json  # channels' AsyncJsonWebsocketConsumer calls it (rapport/workspace/consumers.py)
_.receive  # channels' AsyncWebsocketConsumer calls it (bench/asgi_servers.py)
_.__signature__  # read by inspect.signature, so Ninja sees the wrapped operation (api/auth.py)
_.answer_due_at  # Conversation's field, read only in the chat sweep's filters (chat/sweeps.py)
_.response_due_at  # CaseSocialOut's field, serialised by ninja (api/social.py)
_.modified  # SessionBase.modified, read by SessionMiddleware (workspace/views/cases.py _busy)

# pytest fixtures requested for their effect, not their value.
transactional_db
demo_desk
report_only
clinic_policy
referral_links  # tests/browser/test_surveys.py: the desk gives promoters a referral link
any_hour  # tests/browser/test_surveys.py: no quiet hours or cool-down on the real clock
database_queue
redis_settings
sla_breaks
_.abstract  # insights.models.KeptDay.Meta: read by Django (no table of its own)
_.percentiles_within  # TimeToHumanOut's field, serialised by ninja (api/insights.py)
_.changes_at  # RollupDay's field, read only in filters (insights/rollups.py)
_.no_deadline  # WaitDay's field, read only by name in Sum() (insights/rollups.py)
one_call  # insights.models.ResolvedDay: written and summed by name (personal_touch.CALL_FIGURES)
two_calls  # insights.models.ResolvedDay: as above
more_calls  # insights.models.ResolvedDay: as above
