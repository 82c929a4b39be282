"""initial schema

Revision ID: e07dc5680bb3
Revises: 
Create Date: 2026-11-26 09:08:29.464433

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e07dc5680bb3'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('cfp_opens_at', sa.DateTime(), nullable=True),
    sa.Column('cfp_closes_at', sa.DateTime(), nullable=True),
    sa.Column('voting_opens_at', sa.DateTime(), nullable=True),
    sa.Column('voting_closes_at', sa.DateTime(), nullable=True),
    sa.Column('review_opens_at', sa.DateTime(), nullable=True),
    sa.Column('review_closes_at', sa.DateTime(), nullable=True),
    sa.Column('max_proposals_per_speaker', sa.Integer(), nullable=False),
    sa.Column('max_speakers_per_proposal', sa.Integer(), nullable=False),
    sa.Column('weight_love', sa.Integer(), nullable=False),
    sa.Column('weight_try', sa.Integer(), nullable=False),
    sa.Column('weight_might', sa.Integer(), nullable=False),
    sa.Column('weight_not', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('cfp_opens_at IS NULL OR cfp_closes_at IS NULL OR cfp_closes_at > cfp_opens_at', name=op.f('ck_events_cfp_window_order')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_events_dates_order')),
    sa.CheckConstraint('max_proposals_per_speaker >= 1', name=op.f('ck_events_proposal_limit_positive')),
    sa.CheckConstraint('max_speakers_per_proposal >= 1', name=op.f('ck_events_speaker_limit_positive')),
    sa.CheckConstraint('review_opens_at IS NULL OR review_closes_at IS NULL OR review_closes_at > review_opens_at', name=op.f('ck_events_review_window_order')),
    sa.CheckConstraint('voting_opens_at IS NULL OR voting_closes_at IS NULL OR voting_closes_at > voting_opens_at', name=op.f('ck_events_voting_window_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('slug', name=op.f('uq_events_slug'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('email_verified', sa.Boolean(), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('activity_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_activity_log_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activity_log_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_log'))
    )
    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_log_event_id'), ['event_id'], unique=False)

    op.create_table('identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('email_verified', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_identities_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identities')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_identities_provider_subject'))
    )
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identities_user_id'), ['user_id'], unique=False)

    op.create_table('organisers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_organisers_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_organisers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisers')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_organisers_event_id_user_id'))
    )
    with op.batch_alter_table('organisers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisers_user_id'), ['user_id'], unique=False)

    op.create_table('rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_rooms_capacity_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_rooms_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rooms')),
    sa.UniqueConstraint('event_id', 'name', name=op.f('uq_rooms_event_id_name'))
    )
    op.create_table('speaker_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('photo_url', sa.String(length=500), nullable=False),
    sa.Column('links', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_speaker_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_speaker_profiles_user_id'))
    )
    op.create_table('tracks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('session_count', sa.Integer(), nullable=False),
    sa.Column('alternate_count', sa.Integer(), nullable=False),
    sa.CheckConstraint('alternate_count >= 0', name=op.f('ck_tracks_alternate_count_positive')),
    sa.CheckConstraint('session_count >= 0', name=op.f('ck_tracks_session_count_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_tracks_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracks')),
    sa.UniqueConstraint('event_id', 'name', name=op.f('uq_tracks_event_id_name')),
    sa.UniqueConstraint('event_id', 'slug', name=op.f('uq_tracks_event_id_slug'))
    )
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracks_event_id'), ['event_id'], unique=False)

    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('abstract', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('learning_outcomes', sa.Text(), nullable=False),
    sa.Column('format', sa.Enum('talk', 'panel', 'workshop', 'lightning', name='proposal_format', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('level', sa.Enum('beginner', 'intermediate', 'advanced', name='proposal_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'withdrawn', 'accepted', 'alternate', 'rejected', 'confirmed', 'declined', name='proposal_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("submitted_at IS NOT NULL OR state IN ('draft', 'withdrawn')", name=op.f('ck_proposals_submitted_has_timestamp')),
    sa.CheckConstraint('duration_minutes > 0 AND duration_minutes <= 480', name=op.f('ck_proposals_duration_range')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_proposals_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_proposals_track_id_tracks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    sa.UniqueConstraint('event_id', 'slug', name=op.f('uq_proposals_event_id_slug'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_track_id'), ['track_id'], unique=False)

    op.create_table('role_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(role = 'track_chair') = (track_id IS NOT NULL)", name=op.f('ck_role_invitations_chair_has_track')),
    sa.CheckConstraint("role IN ('organiser', 'track_chair')", name=op.f('ck_role_invitations_role_known')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_role_invitations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_role_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_role_invitations_track_id_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_invitations')),
    sa.UniqueConstraint('event_id', 'track_id', 'email', name=op.f('uq_role_invitations_event_id_track_id_email'))
    )
    with op.batch_alter_table('role_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_invitations_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_invitations_event_id'), ['event_id'], unique=False)

    op.create_table('track_chairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_track_chairs_track_id_tracks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_track_chairs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_chairs')),
    sa.UniqueConstraint('track_id', 'user_id', name=op.f('uq_track_chairs_track_id_user_id'))
    )
    with op.batch_alter_table('track_chairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_track_chairs_user_id'), ['user_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.Enum('draft', 'submitted', 'withdrawn', 'accepted', 'alternate', 'rejected', 'confirmed', 'declined', name='decision_from_state', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_state', sa.Enum('draft', 'submitted', 'withdrawn', 'accepted', 'alternate', 'rejected', 'confirmed', 'declined', name='decision_to_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_decisions_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_decisions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_speakers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('invited', 'confirmed', name='speaker_status', native_enum=False, create_constraint=True), nullable=False),
    sa.CheckConstraint('position >= 0', name=op.f('ck_proposal_speakers_position_positive')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_speakers_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_proposal_speakers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_speakers')),
    sa.UniqueConstraint('proposal_id', 'user_id', name=op.f('uq_proposal_speakers_proposal_id_user_id'))
    )
    with op.batch_alter_table('proposal_speakers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_speakers_user_id'), ['user_id'], unique=False)

    op.create_table('proposal_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_tags_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_tags')),
    sa.UniqueConstraint('proposal_id', 'name', name=op.f('uq_proposal_tags_proposal_id_name'))
    )
    with op.batch_alter_table('proposal_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_tags_name'), ['name'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('score >= 1 AND score <= 10', name=op.f('ck_reviews_score_range')),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_reviews_chair_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_reviews_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('chair_id', 'proposal_id', name=op.f('uq_reviews_chair_id_proposal_id'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.Enum('session', 'keynote', 'break', 'other', name='slot_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_slots_time_order')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_slots_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_slots_proposal_id_proposals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_slots_room_id_rooms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slots')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_slots_proposal_id'))
    )
    with op.batch_alter_table('slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slots_event_id'), ['event_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('love', 'try', 'might', 'not', name='vote_choice', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('ip_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_votes_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('user_id', 'proposal_id', name=op.f('uq_votes_user_id_proposal_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index('ix_votes_proposal_choice', ['proposal_id', 'choice'], unique=False)



def downgrade():
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index('ix_votes_proposal_choice')

    op.drop_table('votes')
    with op.batch_alter_table('slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slots_event_id'))

    op.drop_table('slots')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_proposal_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('proposal_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_tags_name'))

    op.drop_table('proposal_tags')
    with op.batch_alter_table('proposal_speakers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_speakers_user_id'))

    op.drop_table('proposal_speakers')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_proposal_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('track_chairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_track_chairs_user_id'))

    op.drop_table('track_chairs')
    with op.batch_alter_table('role_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_invitations_event_id'))
        batch_op.drop_index(batch_op.f('ix_role_invitations_email'))

    op.drop_table('role_invitations')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_track_id'))
        batch_op.drop_index(batch_op.f('ix_proposals_state'))

    op.drop_table('proposals')
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracks_event_id'))

    op.drop_table('tracks')
    op.drop_table('speaker_profiles')
    op.drop_table('rooms')
    with op.batch_alter_table('organisers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisers_user_id'))

    op.drop_table('organisers')
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identities_user_id'))

    op.drop_table('identities')
    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_log_event_id'))

    op.drop_table('activity_log')
    op.drop_table('users')
    op.drop_table('events')
