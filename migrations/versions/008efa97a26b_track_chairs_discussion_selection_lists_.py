"""track chairs: discussion, selection lists, review settings, published decisions

Revision ID: 008efa97a26b
Revises: 192de12712af
Create Date: 2026-11-26 09:48:22.488001

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '008efa97a26b'
down_revision = '192de12712af'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chair_selections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('mark', sa.Enum('selected', 'maybe', 'pass', name='selection_mark', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('position >= 0', name=op.f('ck_chair_selections_position_positive')),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_chair_selections_chair_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_chair_selections_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_chair_selections_track_id_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chair_selections')),
    sa.UniqueConstraint('track_id', 'chair_id', 'proposal_id', name=op.f('uq_chair_selections_track_id_chair_id_proposal_id'))
    )
    with op.batch_alter_table('chair_selections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chair_selections_chair_id'), ['chair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chair_selections_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('review_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_review_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_review_comments_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comments'))
    )
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comments_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('team_selections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('position >= 0', name=op.f('ck_team_selections_position_positive')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_team_selections_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_team_selections_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_team_selections_track_id_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_selections')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_team_selections_proposal_id'))
    )
    with op.batch_alter_table('team_selections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_selections_track_id'), ['track_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_scale_max', sa.Integer(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('review_scale_labels', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('anonymous_review', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('chairs_can_decide', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('team_list_flag_threshold', sa.Integer(), server_default='2', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_events_review_scale_range'), 'review_scale_max >= 2 AND review_scale_max <= 10')

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_state', sa.Enum('draft', 'submitted', 'withdrawn', 'accepted', 'alternate', 'rejected', 'confirmed', 'declined', name='proposal_published_state', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflict_note', sa.Text(), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('conflict_note')

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('published_at')
        batch_op.drop_constraint(op.f('ck_proposals_proposal_published_state'), type_='check')
        batch_op.drop_column('published_state')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_review_scale_range'), type_='check')
        batch_op.drop_column('team_list_flag_threshold')
        batch_op.drop_column('chairs_can_decide')
        batch_op.drop_column('anonymous_review')
        batch_op.drop_column('review_scale_labels')
        batch_op.drop_column('review_scale_max')

    with op.batch_alter_table('team_selections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_selections_track_id'))

    op.drop_table('team_selections')
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comments_proposal_id'))

    op.drop_table('review_comments')
    with op.batch_alter_table('chair_selections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chair_selections_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_chair_selections_chair_id'))

    op.drop_table('chair_selections')
