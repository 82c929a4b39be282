"""community voting: vote counts, skips, exclusions

Revision ID: 192de12712af
Revises: 11fc791c7214
Create Date: 2026-11-26 09:43:04.722664

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '192de12712af'
down_revision = '11fc791c7214'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('voter_exclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('excluded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_voter_exclusions_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['excluded_by_id'], ['users.id'], name=op.f('fk_voter_exclusions_excluded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_voter_exclusions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voter_exclusions')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_voter_exclusions_event_id_user_id'))
    )
    with op.batch_alter_table('voter_exclusions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voter_exclusions_user_id'), ['user_id'], unique=False)

    op.create_table('vote_skips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_vote_skips_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_vote_skips_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_skips')),
    sa.UniqueConstraint('user_id', 'proposal_id', name=op.f('uq_vote_skips_user_id_proposal_id'))
    )
    with op.batch_alter_table('vote_skips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_skips_proposal_id'), ['proposal_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_public_after_close', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('bayes_prior_votes', sa.Integer(), nullable=True))

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vote_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_proposals_event_state_votes', ['event_id', 'state', 'vote_count'], unique=False)
    op.execute("UPDATE proposals SET vote_count = "
               "(SELECT count(*) FROM votes WHERE votes.proposal_id = proposals.id)")

    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_proposal_choice'))
        batch_op.create_index(batch_op.f('ix_votes_ip_hash'), ['ip_hash'], unique=False)
        batch_op.create_index('ix_votes_proposal_choice_user', ['proposal_id', 'choice', 'user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index('ix_votes_proposal_choice_user')
        batch_op.drop_index(batch_op.f('ix_votes_ip_hash'))
        batch_op.create_index(batch_op.f('ix_votes_proposal_choice'), ['proposal_id', 'choice'], unique=False)

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_proposals_event_state_votes')
        batch_op.drop_column('vote_count')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('bayes_prior_votes')
        batch_op.drop_column('results_public_after_close')

    with op.batch_alter_table('vote_skips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_skips_proposal_id'))

    op.drop_table('vote_skips')
    with op.batch_alter_table('voter_exclusions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voter_exclusions_user_id'))

    op.drop_table('voter_exclusions')
