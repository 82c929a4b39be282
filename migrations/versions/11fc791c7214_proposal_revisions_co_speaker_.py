"""proposal revisions, co-speaker invitations, mail outbox

Revision ID: 11fc791c7214
Revises: e07dc5680bb3
Create Date: 2026-11-26 09:10:29.617364

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '11fc791c7214'
down_revision = 'e07dc5680bb3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'sent', 'shown', 'failed')", name=op.f('ck_outbox_status_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_attempts_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('proposal_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposal_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_revisions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_revisions')),
    sa.UniqueConstraint('proposal_id', 'number', name=op.f('uq_proposal_revisions_proposal_id_number'))
    )
    with op.batch_alter_table('proposal_speakers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited_email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('invited_at', sa.DateTime(), nullable=True))
        batch_op.alter_column('user_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_proposal_speakers_proposal_id_invited_email'), ['proposal_id', 'invited_email'])
        batch_op.create_check_constraint(
            op.f('ck_proposal_speakers_confirmed_has_user'), "status = 'invited' OR user_id IS NOT NULL")
        batch_op.create_check_constraint(
            op.f('ck_proposal_speakers_someone'), "user_id IS NOT NULL OR invited_email IS NOT NULL")


def downgrade():
    with op.batch_alter_table('proposal_speakers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_proposal_speakers_someone'), type_='check')
        batch_op.drop_constraint(op.f('ck_proposal_speakers_confirmed_has_user'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_proposal_speakers_proposal_id_invited_email'), type_='unique')
        batch_op.alter_column('user_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('invited_at')
        batch_op.drop_column('invited_email')

    op.drop_table('proposal_revisions')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
